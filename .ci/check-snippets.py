#!/usr/bin/env python3
"""Every ```swift block of README.md and Documentation/*.md compiles, and the runnable ones run.

Each block becomes a function `async throws` in a scratch package that depends on this checkout
by path (product `Vigie`, and each other product of this package a block imports), its `import`
lines hoisted. A comment on the line before the block
says more (directives separated by `;`):

    <!-- snippet: given event: Event, logger: Logger -->   names the block uses but does not define
    <!-- snippet: run -->            also run it (in a folder holding scene.json and clip.y4m)
    <!-- snippet: file Examples/embedding/main.swift -->   the block is a verbatim part of that file
                                     (which the package builds), so it is not compiled again here
    <!-- snippet: manifest -->       a Package.swift fragment: the scratch package's manifest is
                                     built from it (the URL replaced by this checkout's path)

Usage: .ci/check-snippets.py [--keep]   (the scratch package is in .build-snippets/)
"""
import os
import re
import shutil
import subprocess
import sys

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
SCRATCH = os.path.join(ROOT, ".build-snippets")
BLOCK = re.compile(r"^```swift\n(.*?)^```\s*$", re.S | re.M)
DIRECTIVE = re.compile(r"<!--\s*snippet:\s*(.*?)\s*-->\s*$")


def blocks():
    files = ["README.md"] + sorted(
        os.path.join("Documentation", f) for f in os.listdir(os.path.join(ROOT, "Documentation")) if f.endswith(".md"))
    for name in files:
        text = open(os.path.join(ROOT, name), encoding="utf-8").read()
        for number, match in enumerate(BLOCK.finditer(text), start=1):
            before = text[:match.start()].rstrip("\n").split("\n")[-1]
            directives = {}
            found = DIRECTIVE.search(before)
            if found:
                for part in found.group(1).split(";"):
                    key, _, value = part.strip().partition(" ")
                    directives[key] = value.strip()
            line = text[:match.start()].count("\n") + 1
            yield name, line, number, match.group(1), directives


def fail(message):
    print(f"check-snippets: {message}", file=sys.stderr)
    sys.exit(1)


def main():
    functions, runnable, manifest = [], [], None
    imports = {"import Foundation", "import Vigie", "import Logging"}
    for name, line, number, code, directives in blocks():
        where = f"{name}:{line}"
        if "file" in directives:
            source = open(os.path.join(ROOT, directives["file"]), encoding="utf-8").read()
            if code not in source:
                fail(f"{where}: the block is not a verbatim part of {directives['file']}")
            continue
        if "manifest" in directives:
            manifest = (where, code)
            continue
        body = []
        for text in code.split("\n"):
            if text.startswith("import "):
                imports.add(text.strip())
            else:
                body.append("    " + text if text else "")
        symbol = re.sub(r"\W", "_", f"{os.path.basename(name)[:-3]}_{number}")
        functions.append(f"// {where}\nfunc snippet_{symbol}({directives.get('given', '')}) async throws {{\n"
                         + "\n".join(body) + "\n}\n")
        if "run" in directives:
            if directives.get("given"):
                fail(f"{where}: a runnable block cannot take given names")
            runnable.append((where, symbol))
    if manifest is None:
        fail("no Package.swift snippet (<!-- snippet: manifest -->) in README.md or Documentation/")

    manifest_where, fragment = manifest
    where = manifest_where
    url = re.search(r'\.package\(url:\s*"([^"]+)"[^)]*\)', fragment)
    if not url:
        fail(f"{where}: the manifest snippet has no .package(url: …)")
    package_manifest = fragment.replace(url.group(0), f'.package(name: "Vigie", path: "{ROOT}")')
    product = re.search(r'\.product\(name:\s*"(\w+)",\s*package:\s*"([^"]+)"\)', fragment)
    if not product:
        fail(f"{where}: the manifest snippet has no .product(name:package:)")

    shutil.rmtree(os.path.join(SCRATCH, "Sources"), ignore_errors=True)
    os.makedirs(os.path.join(SCRATCH, "Sources", "Snippets"), exist_ok=True)
    os.makedirs(os.path.join(SCRATCH, "Sources", "FromManifest"), exist_ok=True)
    # The integrator's manifest, whole, with one more target: the snippets (umbrella + swift-log).
    target_name = re.search(r'\.(?:executable)?[tT]arget\(\s*name:\s*"([^"]+)"', package_manifest)
    if not target_name or "let package = Package(" not in package_manifest:
        fail(f"{where}: the manifest snippet must be a whole Package.swift with one target")
    package_manifest = (package_manifest[:target_name.start()]
                        + target_name.group(0).replace(f'"{target_name.group(1)}"', '"FromManifest"')
                        + package_manifest[target_name.end():])
    package_manifest = re.sub(r'(dependencies:\s*\[)', r'\1\n        .package(url: "https://github.com/apple/swift-log", from: "1.16.0"),', package_manifest, count=1)
    # The snippets' target depends on the umbrella and on every other product of this package
    # that a block imports (VigieMQTT, VigieServer, …: products the umbrella does not re-export).
    products = sorted({line.split()[1] for line in imports if line.split()[1].startswith("Vigie")} | {"Vigie"})
    dependencies = ", ".join(f'.product(name: "{p}", package: "Vigie")' for p in products)
    package_manifest += f"""
package.targets.append(.executableTarget(
    name: "Snippets",
    dependencies: [{dependencies}, .product(name: "Logging", package: "swift-log")]
))
"""
    open(os.path.join(SCRATCH, "Package.swift"), "w").write(package_manifest)
    module = product.group(1)
    open(os.path.join(SCRATCH, "Sources", "FromManifest", "main.swift"), "w").write(
        f"import {module}\nprint(\"built against {module}\")\n")
    main = sorted(imports) + [""] + functions + ["// The runnable blocks, in order."]
    for where, symbol in runnable:
        main.append(f'print("snippet {where}")\ntry await snippet_{symbol}()')
    open(os.path.join(SCRATCH, "Sources", "Snippets", "main.swift"), "w").write("\n".join(main) + "\n")

    print(f"check-snippets: {len(functions)} blocks to compile, {len(runnable)} to run, manifest from {manifest_where}")
    subprocess.run(["swift", "build", "--package-path", SCRATCH], check=True)
    bin_path = subprocess.run(["swift", "build", "--package-path", SCRATCH, "--show-bin-path"], check=True,
                              capture_output=True, text=True).stdout.strip()
    subprocess.run([os.path.join(bin_path, "FromManifest")], check=True)
    # Runnable blocks read scene.json and clip.y4m from the working folder.
    work = os.path.join(SCRATCH, "run")
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    shutil.copy(os.path.join(ROOT, "Examples", "scenes", "school-gate.json"), os.path.join(work, "scene.json"))
    subprocess.run(["ffmpeg", "-loglevel", "error", "-f", "lavfi", "-i", "testsrc=size=160x120:rate=10",
                    "-t", "3", "-pix_fmt", "yuv420p", os.path.join(work, "clip.y4m")], check=True)
    subprocess.run([os.path.join(bin_path, "Snippets")], check=True, cwd=work)
    print("check-snippets: OK")


if __name__ == "__main__":
    main()
