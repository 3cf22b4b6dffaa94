#!/usr/bin/env python3
"""Browser test of the operator console served by the real `vigie serve` (the built-in demo site:
two simulated school-gate cameras, a real SQLite store and journal), in headless Chromium.

Usage: python3 Tests/Browser/console_test.py --vigie .build/release/vigie [--out DIR] [--screenshot FILE]

Checks: a wrong token shows a clear message; the right one opens the console; camera tiles show
state and fps, and the anonymised preview once the camera is warm; a new alert from the event stream
appears within its expected time and stands out, with its snapshot; acknowledging it (false alarm,
with a note) moves it to the acknowledged tab, the API says so and the journal holds the decision;
the camera filter; the French switch; no console error besides the expected 401 and 503 answers.
Exit status: 0 all passed, 1 a check failed, 2 the test could not run. Last line: `N passed, N failed`.
"""

import argparse
import json
import re
import shutil
import signal
import os
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request

sys.path.insert(0, os.path.dirname(__file__))
from report_test import Checks, ensure_selenium  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
OPERATOR = "demo-operator-token-change-me"  # the demo site's tokens (DemoSite)
VIEWER = "demo-viewer-token-change-me"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", default="/tmp/vigie-browser")
    parser.add_argument("--screenshot", default=None)
    parser.add_argument("--vigie", default=".build/release/vigie")
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    screenshot = args.screenshot or os.path.join(args.out, "console.png")
    checks = Checks()

    demo = os.path.join(args.out, "console-demo")
    shutil.rmtree(demo, ignore_errors=True)
    log = open(os.path.join(args.out, "console-serve.log"), "w+")
    server = subprocess.Popen([args.vigie, "serve", "--bind", "127.0.0.1:0", "--demo-directory", demo],
                              stdout=subprocess.DEVNULL, stderr=log)
    base = None
    deadline = time.time() + 60
    while base is None and time.time() < deadline and server.poll() is None:
        log.seek(0)
        match = re.search(r"listening on (http://127\.0\.0\.1:\d+)/", log.read())
        base = match.group(1) if match else None
        time.sleep(0.1)
    if base is None:
        print("console_test: vigie serve did not start", file=sys.stderr)
        print("0 passed, 1 failed")
        sys.exit(2)

    def api(path, method="GET"):
        request = urllib.request.Request(base + path, method=method,
                                         headers={"Authorization": f"Bearer {VIEWER}"})
        return json.load(urllib.request.urlopen(request, timeout=30))

    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    options = webdriver.ChromeOptions()
    for flag in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--window-size=1400,1000", "--hide-scrollbars", "--lang=en-GB"]:
        options.add_argument(flag)
    options.binary_location = "/usr/bin/chromium"
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    wait = WebDriverWait(driver, 15)
    try:
        driver.get(base + "/")
        wait.until(lambda d: d.find_element(By.ID, "login").is_displayed())
        checks.expect(True, "the console asks for the token")

        driver.find_element(By.ID, "token").send_keys("wrong-token\n")
        wait.until(lambda d: d.find_element(By.ID, "message").is_displayed())
        message = driver.find_element(By.ID, "message").text
        checks.expect("401" in message and "token" in message.lower(), f"a wrong token says so: {message!r}")
        checks.expect(driver.find_element(By.ID, "login").is_displayed(), "and asks again")

        driver.find_element(By.ID, "token").send_keys(OPERATOR + "\n")
        wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#tiles .tile")) == 2)
        checks.expect(driver.execute_script("return sessionStorage.getItem('vigie.token')") == OPERATOR,
                      "the token is kept for the session")
        slow = WebDriverWait(driver, 90)
        slow.until(lambda d: "running" in d.find_element(
            By.CSS_SELECTOR, '#tiles [data-camera="school-gate"] .state').text.lower())
        checks.expect(True, "the school-gate camera is running")
        slow.until(lambda d: d.execute_script(
            "const i = document.querySelector('#tiles [data-camera=\"school-gate\"] img');"
            "return i && i.src.startsWith('blob:') && i.complete && i.naturalWidth > 0"))
        checks.expect(True, "its anonymised preview loads once warm (with the token, as a blob: URL)")

        # The demo's first alert (a fence crossing) arrives through the stream.
        t0 = time.monotonic()
        slow.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#alert-rows tr.new"))
        elapsed = time.monotonic() - t0
        checks.expect(True, f"a new alert appears and stands out ({elapsed:.1f} s after the preview)")
        row = driver.find_element(By.CSS_SELECTOR, "#alert-rows tr.new")
        event_id = row.get_attribute("data-event")
        checks.expect(driver.title.startswith("("), f"the title counts the new alert: {driver.title!r}")
        slow.until(lambda d: d.execute_script(
            "const i = document.querySelector('#alert-rows tr.new td.snapshot img');"
            "return i && i.src.startsWith('blob:') && i.complete && i.naturalWidth > 0"))
        checks.expect(True, "its anonymised snapshot loads")

        # Acknowledge it as a false alarm, with a note.
        row.find_element(By.CSS_SELECTOR, "input[name=note]").send_keys("a shadow")
        row.find_element(By.CSS_SELECTOR, "button.ack-false-alarm").click()
        wait.until(lambda d: not d.find_elements(By.CSS_SELECTOR, f'#alert-rows tr[data-event="{event_id}"]'))
        checks.expect(True, "the acknowledged alert leaves the open tab")
        stored = api("/api/events/" + urllib.parse.quote(event_id, safe=""))
        checks.expect(stored["status"] == "acknowledged" and stored["decision"]["decision"] == "false-alarm"
                      and stored["decision"]["note"] == "a shadow"
                      and stored["decision"]["operator"] == "demo-operator", "the API has the decision and the note")
        with open(os.path.join(demo, "alerts.journal")) as journal:
            lines = journal.read()
        checks.expect(event_id in lines and "false-alarm" in lines, "the journal holds the decision")
        driver.find_element(By.CSS_SELECTOR, '.tabs [data-status="acknowledged"]').click()
        row = wait.until(lambda d: d.find_element(By.CSS_SELECTOR, f'#alert-rows tr[data-event="{event_id}"]'))
        checks.expect("False alarm" in row.text and "a shadow" in row.text, "it shows in the acknowledged tab")
        camera = stored["cameraID"]
        slow.until(lambda d: "1" in d.find_element(
            By.CSS_SELECTOR, f'#tiles [data-camera="{camera}"] .false-alarms-today strong').text)
        checks.expect(True, "the camera's false alarms today count it")
        tally = f'#tiles [data-camera="{camera}"] .false-alarms-today'
        label = driver.find_element(By.CSS_SELECTOR, tally).text
        checks.expect(label == "1 false alarm", f"one false alarm is singular: {label!r}")

        # Filters: one camera's alerts only, on the open tab (the acknowledged tab holds one alert,
        # from whichever camera alerted first).
        driver.find_element(By.CSS_SELECTOR, '.tabs [data-status="open"]').click()
        driver.execute_script(
            "const s = document.getElementById('filter-camera'); s.value = 'school-gate-2';"
            "s.dispatchEvent(new Event('change'));")
        slow.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#alert-rows tr") and all(
            r.find_element(By.CSS_SELECTOR, ".camera").text == "school-gate-2"
            for r in d.find_elements(By.CSS_SELECTOR, "#alert-rows tr")))
        checks.expect(True, "the camera filter keeps that camera's alerts")
        driver.execute_script(
            "const s = document.getElementById('filter-camera'); s.value = '';"
            "s.dispatchEvent(new Event('change'));")

        # French.
        driver.find_element(By.ID, "language").click()
        checks.expect(driver.find_element(By.CSS_SELECTOR, '.tabs [data-status="open"]').text.startswith("Ouvertes"),
                      "the switch puts the labels in French")
        checks.expect(driver.execute_script("return document.documentElement.lang") == "fr", "and the page's lang")
        label = driver.find_element(By.CSS_SELECTOR, tally).text
        checks.expect(label == "1 fausse alerte", f"and in French: {label!r}")

        # Latency from the stream's message to the row, over the alerts seen so far.
        time.sleep(10)
        shown = driver.execute_script(
            "return window.vigieConsole.metrics.filter(m => m.shown !== null).map(m => m.shown - m.received)")
        if shown:
            ordered = sorted(shown)
            p50 = statistics.median(ordered)
            p99 = ordered[min(len(ordered) - 1, int(round(0.99 * (len(ordered) - 1))))]
            print(f"stream message to row: {len(ordered)} alerts, p50 {p50:.1f} ms, p99 {p99:.1f} ms")
        checks.expect(len(shown) >= 2, f"alerts timed from the stream to their row ({len(shown)})")

        driver.save_screenshot(screenshot)
        checks.expect(os.path.getsize(screenshot) > 10000, f"screenshot saved: {screenshot}")

        expected = ("401", "503")
        errors = [e for e in driver.get_log("browser") if e.get("level") == "SEVERE"
                  and not any(f"status of {code}" in e.get("message", "") for code in expected)]
        checks.expect(not errors, f"no console error besides the expected 401 and 503 ({errors[:3]})")
    finally:
        driver.quit()
        server.send_signal(signal.SIGTERM)
        checks.expect(server.wait(timeout=30) == 0, "vigie serve stops with status 0 on SIGTERM")
    checks.finish()


if __name__ == "__main__":
    ensure_selenium()
    main()
