#!/usr/bin/env python3
"""Plays a task page's replay in Debian's chromium through chromedriver (Selenium), against a running
`sigmic-archive serve`: at 8×, pausing, seeking with the keyboard, jumping to a tool-call mark.

Usage: player_check.py URL TASK_ID [SCREENSHOT_DIR]

Prints one JSON object of observations; the Swift test decides what they must be.
"""
import json
import sys
import time

from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select, WebDriverWait

import chromium

url, task_id = sys.argv[1], sys.argv[2]
shots = sys.argv[3] if len(sys.argv) > 3 else None

driver = chromium.driver()
seen = {}


def screen_text():
    return driver.execute_script("return document.getElementById('replay-screen').textContent")


def shown_time():
    return driver.find_element(By.ID, "replay-time").text


try:
    driver.get(url + "/tasks/" + task_id)
    WebDriverWait(driver, 15).until(lambda d: d.find_element(By.ID, "replay").is_displayed())
    play = driver.find_element(By.ID, "replay-play")
    seek = driver.find_element(By.ID, "replay-seek")
    screen = driver.find_element(By.ID, "replay-screen")
    marks = driver.find_elements(By.CSS_SELECTOR, "#replay-marks button.mark")
    seen["marks"] = [mark.get_attribute("aria-label") for mark in marks]
    seen["markPositions"] = [mark.value_of_css_property("left") for mark in marks]
    seen["duration"] = float(seek.get_attribute("max"))
    seen["atStart"] = screen_text()

    # At 8×: the screen fills in as it plays.
    Select(driver.find_element(By.ID, "replay-speed")).select_by_value("8")
    play.click()
    seen["buttonWhilePlaying"] = play.text
    lengths = []
    started = time.monotonic()
    while time.monotonic() - started < 1.2:
        lengths.append(len(screen_text()))
        time.sleep(0.1)
    seen["lengthsWhilePlaying"] = lengths

    # Paused, nothing more comes.
    play.click()
    seen["buttonAfterPause"] = play.text
    before = len(screen_text())
    time.sleep(0.6)
    seen["pausedLengths"] = [before, len(screen_text())]
    if shots:
        driver.save_screenshot(shots + "/replay-player.png")

    # Seeking with the keyboard on the scrubber: End shows everything, Home the start again.
    seek.send_keys(Keys.END)
    seen["atEnd"] = screen_text()
    seen["timeAtEnd"] = shown_time()
    seek.send_keys(Keys.HOME)
    seen["atHome"] = screen_text()

    # A tool-call mark is a button: it jumps to its call.
    if marks:
        marks[0].click()
        seen["afterMark"] = screen_text()
        seen["timeAfterMark"] = shown_time()

    # Space on the screen plays and pauses.
    screen.send_keys(" ")
    seen["buttonAfterSpace"] = play.text
    screen.send_keys(" ")
    seen["buttonAfterSecondSpace"] = play.text

    seen["alert"] = chromium.alert_fired(driver)
    seen["elementsInScreen"] = driver.execute_script("return document.getElementById('replay-screen').children.length")
    seen["activeElementsInPlayer"] = driver.execute_script(
        "return document.querySelectorAll('#replay script, #replay img, #replay iframe, #replay [onerror]').length")
    seen["console"] = chromium.console_errors(driver)
finally:
    driver.quit()

print(json.dumps(seen))
