#!/usr/bin/env python3
"""Every public symbol of the Vigie library modules has a doc comment.

Reads the symbol graphs of `swift package dump-symbol-graph` (as .ci/api-audit.py does) and
lists each public symbol without one. Members that only implement a protocol requirement
inherit the protocol's documentation, as in DocC, and are not counted; nor are symbols that
the compiler synthesises (memberwise initialisers, Codable and Equatable conformances).

Usage: swift package dump-symbol-graph && python3 .ci/doc-coverage.py [SYMBOLGRAPH_DIR]
Exit 0 when every symbol is documented, 1 with one line per undocumented symbol.
"""
import os
import sys

from symbolgraphs import directory_from, library_graphs


def main():
    directory = directory_from(sys.argv)
    graphs = library_graphs(directory, excluded_prefixes=("VigieKernels",))
    if not graphs:
        print(f"doc-coverage: no Vigie symbol graphs in {directory}")
        return 1
    missing, counted = [], 0
    for _, graph in graphs:
        module = graph["module"]["name"]
        # Members that satisfy a protocol requirement (they inherit its documentation).
        requirements = {r["source"] for r in graph.get("relationships", [])
                        if r["kind"] in ("requirementOf", "defaultImplementationOf")}
        implementing = {r["source"] for r in graph.get("relationships", [])
                        if r["kind"] == "memberOf" and r.get("sourceOrigin")}
        for symbol in graph["symbols"]:
            if symbol.get("accessLevel") not in ("public", "open"):
                continue
            precise = symbol["identifier"]["precise"]
            if precise in implementing or precise in requirements and symbol.get("docComment"):
                continue
            location = symbol.get("location", {}).get("uri", "")
            if not location:
                continue  # synthesised by the compiler
            counted += 1
            if not symbol.get("docComment"):
                name = ".".join(symbol["pathComponents"])
                line = symbol["location"]["position"]["line"] + 1
                missing.append(f"{module}.{name} ({os.path.relpath(location.replace('file://', ''))}:{line})")
    for m in missing:
        print("doc-coverage: undocumented:", m)
    print(f"doc-coverage: {counted} public symbols in {len(graphs)} modules, {len(missing)} without a doc comment")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
