#!/usr/bin/env python3
"""Drives Debian's chromium through chromedriver (Selenium) against a running `sigmic-archive serve`.

Usage: browser_check.py URL HOSTILE_TASK_ID THOUGHT_WORD [SCREENSHOT_DIR]

Prints one JSON object of observations; the Swift test decides what they must be.
"""
import json
import sys

from selenium.common.exceptions import TimeoutException
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

import chromium

url, task_id, thought_word = sys.argv[1], sys.argv[2], sys.argv[3]
shots = sys.argv[4] if len(sys.argv) > 4 else None

driver = chromium.driver()
seen = {}


def alert_fired():
    return chromium.alert_fired(driver)


def console_errors():
    return chromium.console_errors(driver)


try:
    # Search as you type: the hit appears without pressing Enter, and leads to its open <details>.
    driver.get(url + "/")
    box = driver.find_element(By.ID, "q")
    box.send_keys(thought_word)
    try:
        link = WebDriverWait(driver, 15).until(ec.presence_of_element_located((By.CSS_SELECTOR, "#results ol.hits a")))
        seen["liveHit"] = link.text
        seen["liveHitHref"] = link.get_attribute("href")
        link.click()
        WebDriverWait(driver, 15).until(ec.url_contains("/tasks/"))
        anchor = driver.current_url.split("#")[-1]
        seen["openDetails"] = driver.execute_script(
            "const m = document.getElementById(arguments[0]);"
            "return m ? [...m.querySelectorAll('details')].filter(d => d.open).map(d => d.className) : null;", anchor)
    except TimeoutException:
        seen["liveHit"] = None
    seen["consoleAfterSearch"] = console_errors()

    # The hostile task: every trick shows as text, and nothing runs.
    driver.get(url + "/tasks/" + task_id)
    seen["alertOnTask"] = alert_fired()
    seen["scripts"] = driver.execute_script("return [...document.scripts].map(s => s.getAttribute('src'))")
    seen["iframes"] = len(driver.find_elements(By.TAG_NAME, "iframe"))
    seen["imagesWithHandlers"] = driver.execute_script(
        "return [...document.querySelectorAll('*')].filter(e => [...e.attributes].some(a => a.name.startsWith('on'))).length")
    seen["javascriptLinks"] = driver.execute_script(
        "return [...document.querySelectorAll('a[href]')].filter(a => a.href.toLowerCase().startsWith('javascript:')).length")
    seen["userText"] = driver.find_element(By.ID, "m-msg-h1").text
    seen["consoleOnTask"] = console_errors()
    if shots:
        driver.get(url + "/tasks/aaaa1111-0000-4000-8000-00000000000a?hit=thought:msg-a2#m-msg-a2")
        driver.save_screenshot(shots + "/task-page.png")
        driver.get(url + "/search?q=canary")
        driver.save_screenshot(shots + "/search-page.png")
        console_errors()

    # An HTML artifact is shown as text, in a sandbox: its script does not run.
    driver.get(url + "/tasks/" + task_id + "/artifacts/downloads/page.html")
    seen["alertOnArtifact"] = alert_fired()
    seen["artifactContentType"] = driver.execute_script("return document.contentType")
    seen["artifactText"] = driver.find_element(By.TAG_NAME, "body").text
    seen["consoleOnArtifact"] = console_errors()
finally:
    driver.quit()

print(json.dumps(seen))
