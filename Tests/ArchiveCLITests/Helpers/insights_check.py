#!/usr/bin/env python3
"""Opens `/insights` in Debian's chromium through chromedriver (Selenium), against a running
`sigmic-archive serve`: reads every chart's marks and its table's cells, follows an error's link to its
search, and reads `/api/insights`.

Usage: insights_check.py URL [SCREENSHOT_DIR]

Prints one JSON object of observations; the Swift test decides what they must be.
"""
import json
import sys

from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

import chromium

url = sys.argv[1]
shots = sys.argv[2] if len(sys.argv) > 2 else None

driver = chromium.driver(1200, 1600)
seen = {"charts": {}}

try:
    driver.get(url + "/insights?by=month")
    seen["title"] = driver.title
    for figure in driver.find_elements(By.CSS_SELECTOR, "figure.insight"):
        marks = figure.find_elements(By.CSS_SELECTOR, "svg.chart [data-label]")
        cells = figure.find_elements(By.CSS_SELECTOR, ".figures [data-label]")
        seen["charts"][figure.get_attribute("id")] = {
            "svgs": len(figure.find_elements(By.CSS_SELECTOR, "svg.chart")),
            "tables": len(figure.find_elements(By.CSS_SELECTOR, ".figures table")),
            "marks": [[mark.get_attribute("data-label"), int(mark.get_attribute("data-value"))] for mark in marks],
            "cells": [[cell.get_attribute("data-label"), int(cell.get_attribute("data-value"))] for cell in cells],
            "caption": figure.find_element(By.CSS_SELECTOR, "figcaption").text,
        }
    seen["scripts"] = driver.execute_script("return [...document.scripts].map(s => s.getAttribute('src'))")
    if shots:
        driver.save_screenshot(shots + "/insights-page.png")
    seen["console"] = chromium.console_errors(driver)

    # An error's link leads to a search for it.
    link = driver.find_element(By.CSS_SELECTOR, "a.error-search")
    seen["errorLinkText"] = link.text
    link.click()
    WebDriverWait(driver, 15).until(ec.url_contains("/search"))
    seen["searchBox"] = driver.find_element(By.ID, "q").get_attribute("value")
    seen["consoleOnSearch"] = chromium.console_errors(driver)

    # A bad filter is a page that says so.
    driver.get(url + "/insights?by=year")
    seen["badFilter"] = driver.find_element(By.TAG_NAME, "body").text

    driver.get(url + "/api/insights?by=month")
    seen["api"] = json.loads(driver.find_element(By.TAG_NAME, "body").text)
finally:
    driver.quit()

print(json.dumps(seen))
