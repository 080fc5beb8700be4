#!/usr/bin/env python3
"""The dashboard in a real headless browser (Debian's chromium and chromium-driver, Selenium from PyPI).

Starts `dormouse serve` with an API token on a free port, against the real Docker engine; declares a lazy
agent on the test image with a 2 s idle timeout; opens the page, which asks for the token; dispatches a task;
and checks that the visible page shows the agent, its counters changing and the lazy_started and
lazy_stopped rows that arrived through the EventSource (SSE). Usage: dashboard_test.py path/to/dormouse
"""
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

TOKEN = "browser-" + uuid.uuid4().hex
IMAGE = os.environ.get("DORMOUSE_TEST_IMAGE", "dormouse-test/busybox:latest")


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def call(base, method, path, body=None):
    request = urllib.request.Request(base + path, method=method, data=json.dumps(body).encode() if body else None)
    request.add_header("Authorization", "Bearer " + TOKEN)
    request.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.loads(response.read() or b"null")


def wait_for_health(base, server):
    for _ in range(200):
        if server.poll() is not None:
            raise SystemExit("dormouse serve exited with %s" % server.returncode)
        try:
            with urllib.request.urlopen(base + "/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.05)
    raise SystemExit("dormouse serve did not answer /health")


def main(binary):
    port = free_port()
    base = "http://127.0.0.1:%d" % port
    container = "dormouse-test-browser-%s" % uuid.uuid4().hex[:8]
    folder = tempfile.mkdtemp(prefix="dormouse-browser-")
    environment = dict(os.environ, DORMOUSE_API_TOKEN=TOKEN, DORMOUSE_DB=folder + "/d.sqlite", LOG_LEVEL="error")
    server = subprocess.Popen([binary, "serve", "--port", str(port)], env=environment)
    driver = None
    try:
        wait_for_health(base, server)
        call(base, "POST", "/agents", {
            "name": "browser-worker", "mode": "container", "idle_timeout_s": 2,
            "container": {"name": container, "image": IMAGE, "command": ["sleep", "3600"]},
            "dispatch": {"type": "exec", "argv": ["sh", "-c", "echo done"]},
        })
        options = webdriver.ChromeOptions()
        for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,900"):
            options.add_argument(argument)
        driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
        wait = WebDriverWait(driver, 60, poll_frequency=0.1)
        driver.get(base + "/")
        token_field = wait.until(lambda d: d.find_element(By.ID, "token") if d.find_element(By.ID, "token").is_displayed() else None)
        token_field.send_keys(TOKEN)
        driver.find_element(By.CSS_SELECTOR, "#login button").click()
        wait.until(lambda d: d.find_element(By.ID, "status").text == "live")
        row = lambda d: d.find_element(By.ID, "agent-browser-worker").text
        wait.until(lambda d: "browser-worker" in row(d) and "stopped" in row(d))

        task = call(base, "POST", "/agents/browser-worker/tasks?wait=true", {"payload": "hi"})
        assert task["status"] == "succeeded", task
        feed = lambda d: d.find_element(By.ID, "feed").text
        wait.until(lambda d: "lazy_started" in feed(d) and "browser-worker woke in" in feed(d))
        # The idle timer stops the worker 2 s later; the row and the feed follow without a reload.
        wait.until(lambda d: "lazy_stopped" in feed(d) and "stopped after" in feed(d))
        cells_of = lambda d: [cell.text for cell in d.find_elements(By.CSS_SELECTOR, "#agent-browser-worker td")]
        wait.until(lambda d: cells_of(d)[2:8] == ["local", "stopped", "1", "0", "1", "0"])
        cells = cells_of(driver)
        assert cells[9].endswith(" ms"), cells
        print("dashboard test passed: row %s; feed %r" % (cells, feed(driver).splitlines()))
    except Exception:
        if driver is not None:
            print("page text at failure:\n" + driver.find_element(By.TAG_NAME, "body").text, file=sys.stderr)
        raise
    finally:
        if driver is not None:
            driver.quit()
        server.terminate()
        server.wait(timeout=30)
        subprocess.run(["docker", "rm", "-f", container], capture_output=True)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else ".build/debug/dormouse")
