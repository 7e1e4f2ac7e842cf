"""What the browser checks share: Debian's headless chromium through chromedriver, its console's
errors, and a dialog a page may have opened."""
from selenium import webdriver
from selenium.common.exceptions import NoAlertPresentException
from selenium.webdriver.chrome.service import Service


def driver(width=1100, height=1400):
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for argument in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", f"--window-size={width},{height}"]:
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    chrome = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    chrome.set_page_load_timeout(30)
    return chrome


def console_errors(chrome):
    return [entry["message"] for entry in chrome.get_log("browser") if entry["level"] == "SEVERE"]


def alert_fired(chrome):
    try:
        alert = chrome.switch_to.alert
        text = alert.text
        alert.dismiss()
        return text
    except NoAlertPresentException:
        return None
