#!/usr/bin/env python3
"""Browser test of `vigie report`: the page renders in headless Chromium with no console error,
and its timeline lanes and alert rows match the events `vigie run` prints on the same input.

Usage: python3 Tests/Browser/report_test.py [--vigie .build/release/vigie] [--out DIR]
                                            [--screenshot FILE] [--seconds N]

Needs Debian's chromium and chromium-driver. Selenium comes from PyPI into a virtual environment
(/tmp/vigie-browser-venv), created on first use. The input is the first --seconds of PETS 2009
S2L1 view 1 (../shared/data), scaled to 384x288 with ffmpeg.

Exit status: 0 all checks passed (or skipped: no footage), 1 a check failed, 2 the test could not
run (no vigie, no chromium). The last line is always `N passed, N failed`.
"""

import argparse
import json
import os
import subprocess
import sys
import time

VENV = "/tmp/vigie-browser-venv"
ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
PETS = os.path.join(ROOT, "..", "shared", "data", "pets2009", "S2L1_View001", "vtest.avi")
SCENE = os.path.join("Tests", "Browser", "pets-scene.json")  # relative to ROOT, as the page shows it


def ensure_selenium():
    """Re-runs this script in the venv (created with selenium on first use) unless selenium imports."""
    try:
        import selenium  # noqa: F401
        return
    except ImportError:
        pass
    python = os.path.join(VENV, "bin", "python3")
    if os.environ.get("VIGIE_BROWSER_VENV") == "1":
        print("report_test: selenium did not install in " + VENV, file=sys.stderr)
        print("0 passed, 1 failed")
        sys.exit(2)
    if not os.path.exists(python):
        subprocess.run([sys.executable, "-m", "venv", VENV], check=True)
    subprocess.run([python, "-m", "pip", "install", "--quiet", "selenium"], check=True)
    os.environ["VIGIE_BROWSER_VENV"] = "1"
    os.execv(python, [python] + sys.argv)


class Checks:
    def __init__(self):
        self.passed = 0
        self.failed = 0

    def expect(self, condition, message):
        if condition:
            self.passed += 1
            print("ok   " + message)
        else:
            self.failed += 1
            print("FAIL " + message)

    def finish(self):
        print(f"{self.passed} passed, {self.failed} failed")
        sys.exit(0 if self.failed == 0 else 1)


def make_input(out, seconds):
    path = os.path.join(out, f"pets-{seconds}s.y4m")
    if not os.path.exists(path):
        subprocess.run(["ffmpeg", "-loglevel", "error", "-y", "-t", str(seconds), "-i", PETS,
                        "-vf", "scale=384:288", "-f", "yuv4mpegpipe", "-pix_fmt", "yuv420p", path], check=True)
    return path


def run_events(vigie, clip):
    """The events `vigie run` prints (JSON Lines on stdout)."""
    r = subprocess.run([vigie, "run", "--scene", SCENE, "--input", clip], capture_output=True, text=True, cwd=ROOT)
    if r.returncode != 0:
        raise RuntimeError("vigie run failed: " + r.stderr)
    return [json.loads(line) for line in r.stdout.splitlines() if line.strip()]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--vigie", default=os.path.join(ROOT, ".build", "release", "vigie"))
    parser.add_argument("--out", default="/tmp/vigie-browser")
    parser.add_argument("--screenshot", default=None, help="where to save the page's screenshot (PNG)")
    parser.add_argument("--seconds", type=int, default=40)
    parser.add_argument("--language", default="en")
    args = parser.parse_args()
    args.vigie = os.path.abspath(args.vigie)
    args.out = os.path.abspath(args.out)
    checks = Checks()
    if not os.access(args.vigie, os.X_OK):
        print(f"report_test: {args.vigie} is not built (swift build -c release)", file=sys.stderr)
        print("0 passed, 1 failed")
        sys.exit(2)
    if not os.path.exists(PETS):
        print("report_test: skipped: ../shared/data/pets2009 is absent")
        checks.finish()
    os.makedirs(args.out, exist_ok=True)
    screenshot = args.screenshot or os.path.join(args.out, "report.png")

    clip = make_input(args.out, args.seconds)
    events = run_events(args.vigie, clip)
    started = [e for e in events if e["phase"] == "started"]
    rules = [r["id"] for r in json.load(open(os.path.join(ROOT, SCENE)))["rules"]]
    page = os.path.join(args.out, "report.html")
    t0 = time.monotonic()
    r = subprocess.run([args.vigie, "report", "--scene", SCENE, "--input", clip, "--output", page,
                        "--language", args.language], capture_output=True, text=True, cwd=ROOT)
    checks.expect(r.returncode == 0, f"vigie report exits 0 ({time.monotonic() - t0:.1f} s) {r.stderr.strip()}")
    if r.returncode != 0:
        checks.finish()
    checks.expect(len(started) > 0, f"vigie run printed alerts on the footage ({len(started)})")

    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By

    options = webdriver.ChromeOptions()
    for flag in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--window-size=1280,2400", "--hide-scrollbars"]:
        options.add_argument(flag)
    options.binary_location = "/usr/bin/chromium"
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    try:
        driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    except Exception as error:  # no chromium: the test cannot run
        print(f"report_test: cannot start chromium: {error}", file=sys.stderr)
        print(f"{checks.passed} passed, {checks.failed + 1} failed")
        sys.exit(2)
    try:
        driver.get("file://" + os.path.abspath(page))
        errors = [entry for entry in driver.get_log("browser") if entry.get("level") in ("SEVERE", "ERROR")]
        checks.expect(not errors, f"no console error ({errors[:3]})")

        lanes = driver.find_elements(By.CSS_SELECTOR, "svg.timeline g.lane")
        checks.expect([lane.get_attribute("data-rule") for lane in lanes] == rules,
                      f"one timeline lane per rule, in scene order ({len(lanes)} lanes, {len(rules)} rules)")
        rows = driver.find_elements(By.CSS_SELECTOR, "table.alerts tbody tr.alert")
        # Ids are `<camera>/<rule>/<session>-<n>`: the report and the run are two processes, two
        # sessions, so they are compared without the session.
        def without_session(event_id):
            head, _, last = event_id.rpartition("/")
            return head + "/" + last.rpartition("-")[2]
        row_ids = sorted(without_session(row.get_attribute("data-event")) for row in rows)
        run_ids = sorted(without_session(e["id"]) for e in started)
        checks.expect(row_ids == run_ids and len(set(row_ids)) == len(row_ids),
                      f"one table row per alert vigie run printed ({len(rows)} rows, {len(run_ids)} alerts)")
        bars = driver.find_elements(By.CSS_SELECTOR, "svg.timeline rect.bar")
        for rule in rules:
            in_lane = driver.find_elements(By.CSS_SELECTOR, f'svg.timeline g.lane[data-rule="{rule}"] rect.bar')
            expected = sum(1 for e in started if e["ruleID"] == rule)
            checks.expect(len(in_lane) == expected, f"lane {rule}: {len(in_lane)} bars, {expected} alerts")
        checks.expect(len(bars) == len(run_ids), f"one bar per alert ({len(bars)})")

        images = driver.find_elements(By.TAG_NAME, "img")
        checks.expect(all(i.get_attribute("src").startswith("data:image/jpeg;base64,") for i in images),
                      f"every image is an inline JPEG ({len(images)})")
        loaded = driver.execute_script(
            "return Array.from(document.images).every(i => i.complete && i.naturalWidth > 0)")
        checks.expect(loaded, "every image decodes in the browser")
        resources = driver.execute_script(
            "return performance.getEntriesByType('resource').map(e => e.name)")
        checks.expect(resources == [], f"the page loads nothing else ({resources[:3]})")
        overflow = driver.execute_script(
            "return document.documentElement.scrollWidth <= document.documentElement.clientWidth")
        checks.expect(overflow, "no horizontal scrolling at 1280 px")

        height = driver.execute_script("return document.documentElement.scrollHeight")
        driver.set_window_size(1280, min(max(height, 800), 6000))
        driver.save_screenshot(screenshot)
        checks.expect(os.path.getsize(screenshot) > 10000, f"screenshot saved: {screenshot}")
    finally:
        driver.quit()
    checks.finish()


if __name__ == "__main__":
    ensure_selenium()
    main()
