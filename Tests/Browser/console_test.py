#!/usr/bin/env python3
"""Browser test of the operator console's static files against the Python stand-in server
(console_standin.py): development only, until the same checks run against `vigie serve`.

Usage: python3 Tests/Browser/console_test.py [--out DIR] [--screenshot FILE]

Checks: a wrong token shows a clear message; the right one opens the console; camera tiles show
state, fps and today's counts, the preview of a warm camera and the "warming up" note of the other;
a new alert from the event stream appears within its expected time and stands out; acknowledging it
(false alarm, with a note) moves it to the acknowledged tab and the stand-in's store says so; the
French switch changes the labels; a viewer token cannot acknowledge (403); no console error besides
the expected 401, 403 and 503 answers.
Exit status: 0 all passed, 1 a check failed, 2 the test could not run. Last line: `N passed, N failed`.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
import urllib.request

sys.path.insert(0, os.path.dirname(__file__))
from report_test import Checks, ensure_selenium  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", default="/tmp/vigie-browser")
    parser.add_argument("--screenshot", default=None)
    parser.add_argument("--interval", type=float, default=3.0)
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    screenshot = args.screenshot or os.path.join(args.out, "console.png")
    checks = Checks()

    server = subprocess.Popen([sys.executable, os.path.join(HERE, "console_standin.py"), "--port", "0",
                               "--interval", str(args.interval)], stdout=subprocess.PIPE, text=True)
    line = server.stdout.readline().strip()
    if not line.startswith("listening on "):
        print("console_test: the stand-in did not start", file=sys.stderr)
        print("0 passed, 1 failed")
        sys.exit(2)
    base = line[len("listening on "):]

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

        driver.find_element(By.ID, "token").send_keys("operator-token\n")
        wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#tiles .tile")) == 2)
        checks.expect(driver.execute_script("return sessionStorage.getItem('vigie.token')") == "operator-token",
                      "the token is kept for the session")
        gate = driver.find_element(By.CSS_SELECTOR, '#tiles [data-camera="gate"]')
        hall = driver.find_element(By.CSS_SELECTOR, '#tiles [data-camera="hall"]')
        checks.expect("running" in gate.find_element(By.CSS_SELECTOR, ".state").text.lower(), "gate is running")
        checks.expect("reconnecting" in hall.find_element(By.CSS_SELECTOR, ".state").text.lower(),
                      "hall is reconnecting")
        checks.expect("12.5" in gate.find_element(By.CSS_SELECTOR, ".figures").text, "the tile shows fps")
        wait.until(lambda d: d.execute_script(
            "const i = document.querySelector('#tiles [data-camera=gate] img');"
            "return i.src.startsWith('blob:') && i.complete && i.naturalWidth > 0"))
        checks.expect(True, "the warm camera's preview loads (with the token, as a blob: URL)")
        checks.expect("warming up" in hall.find_element(By.CSS_SELECTOR, ".overlay").text,
                      "the other camera says it is not warm (503)")

        # A new alert arrives through the stream.
        t0 = time.monotonic()
        wait_new = WebDriverWait(driver, args.interval + 10)
        wait_new.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#alert-rows tr.new"))
        elapsed = time.monotonic() - t0
        checks.expect(elapsed <= args.interval + 3, f"a new alert appears within its expected time ({elapsed:.1f} s)")
        row = driver.find_element(By.CSS_SELECTOR, "#alert-rows tr.new")
        event_id = row.get_attribute("data-event")
        checks.expect(driver.title.startswith("(1)"), f"the title counts the new alert: {driver.title!r}")
        wait.until(lambda d: d.execute_script(
            "const i = document.querySelector('#alert-rows tr.new td.snapshot img');"
            "return i && i.src.startsWith('blob:') && i.complete && i.naturalWidth > 0"))
        checks.expect(True, "its snapshot loads")

        # Acknowledge it as a false alarm, with a note.
        row.find_element(By.CSS_SELECTOR, "input[name=note]").send_keys("a shadow")
        row.find_element(By.CSS_SELECTOR, "button.ack-false-alarm").click()
        wait.until(lambda d: not d.find_elements(By.CSS_SELECTOR, f'#alert-rows tr[data-event="{event_id}"]'))
        checks.expect(True, "the acknowledged alert leaves the open tab")
        store = json.load(urllib.request.urlopen(base + "/_standin/events"))
        stored = next(e for e in store if e["id"] == event_id)
        checks.expect(stored["status"] == "acknowledged" and stored["decision"]["decision"] == "false-alarm"
                      and stored["decision"]["note"] == "a shadow", "the API has the decision and the note")
        driver.find_element(By.CSS_SELECTOR, '.tabs [data-status="acknowledged"]').click()
        row = wait.until(lambda d: d.find_element(By.CSS_SELECTOR, f'#alert-rows tr[data-event="{event_id}"]'))
        checks.expect("False alarm" in row.text and "a shadow" in row.text, "it shows in the acknowledged tab")
        wait.until(lambda d: "1" in d.find_element(
            By.CSS_SELECTOR, '#tiles [data-camera="gate"] .false-alarms-today strong').text)
        checks.expect(True, "the camera's false alarms today count it")

        # Filters: the hall camera's alert only.
        driver.execute_script(
            "const s = document.getElementById('filter-camera'); s.value = 'hall';"
            "s.dispatchEvent(new Event('change'));")
        wait.until(lambda d: all(r.find_element(By.CSS_SELECTOR, ".camera").text == "hall"
                                 for r in d.find_elements(By.CSS_SELECTOR, "#alert-rows tr"))
                   and d.find_elements(By.CSS_SELECTOR, "#alert-rows tr"))
        checks.expect(True, "the camera filter keeps that camera's alerts")
        driver.execute_script(
            "const s = document.getElementById('filter-camera'); s.value = '';"
            "s.dispatchEvent(new Event('change'));")
        driver.find_element(By.CSS_SELECTOR, '.tabs [data-status="open"]').click()

        # French.
        driver.find_element(By.ID, "language").click()
        checks.expect(driver.find_element(By.CSS_SELECTOR, '.tabs [data-status="open"]').text.startswith("Ouvertes"),
                      "the switch puts the labels in French")
        checks.expect(driver.execute_script("return document.documentElement.lang") == "fr", "and the page's lang")

        # Latency from the stream's message to the row, over the alerts seen so far.
        time.sleep(args.interval * 2 + 1)
        shown = driver.execute_script(
            "return window.vigieConsole.metrics.filter(m => m.shown !== null).map(m => m.shown - m.received)")
        if shown:
            ordered = sorted(shown)
            p50 = statistics.median(ordered)
            p99 = ordered[min(len(ordered) - 1, int(round(0.99 * (len(ordered) - 1))))]
            print(f"stream message to row: {len(ordered)} alerts, p50 {p50:.1f} ms, p99 {p99:.1f} ms")
        checks.expect(len(shown) >= 2, f"alerts timed from the stream to their row ({len(shown)})")

        # A viewer token may look but not acknowledge: the 403 says so.
        driver.find_element(By.ID, "language").click()  # back to English
        driver.find_element(By.ID, "sign-out").click()
        wait.until(lambda d: d.find_element(By.ID, "login").is_displayed())
        driver.find_element(By.ID, "token").send_keys("viewer-token\n")
        row = wait.until(lambda d: d.find_element(By.CSS_SELECTOR, "#alert-rows tr"))
        row.find_element(By.CSS_SELECTOR, "button.ack-confirmed").click()
        wait.until(lambda d: "403" in d.find_element(By.ID, "message").text)
        checks.expect(row.get_attribute("data-event") in [e["id"] for e in json.load(
            urllib.request.urlopen(base + "/_standin/events")) if e["status"] == "open"],
            "a viewer's acknowledgement is refused (403) and the alert stays open")
        driver.find_element(By.ID, "sign-out").click()
        driver.find_element(By.ID, "token").send_keys("operator-token\n")
        wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#alert-rows tr")) > 0)

        driver.save_screenshot(screenshot)
        checks.expect(os.path.getsize(screenshot) > 10000, f"screenshot saved: {screenshot}")

        expected = ("401", "403", "503")
        errors = [e for e in driver.get_log("browser") if e.get("level") == "SEVERE"
                  and not any(f"status of {code}" in e.get("message", "") for code in expected)]
        checks.expect(not errors, f"no console error besides the expected 401, 403 and 503 ({errors[:3]})")
    finally:
        driver.quit()
        server.terminate()
        server.wait()
    checks.finish()


if __name__ == "__main__":
    ensure_selenium()
    main()
