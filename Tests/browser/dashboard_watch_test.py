#!/usr/bin/env python3
"""The dashboard's watcher sessions, in a real headless browser, with `serve --watch` (DORMOUSE_WATCH=1).

No Mattermost server can run here, and the page does not need one: the watcher is pointed at a closed port, so its
chat relay fails and opens its circuit, while `GET /watch/sessions` still lists what it follows. A Claude Code
transcript (a fixture of the watcher's tests) is written into the watched folder; the page must show the session
as its chat post would read, without horizontal overflow at 1280 and 390 px wide, and follow a line appended later. Usage: dashboard_watch_test.py path/to/dormouse
"""
import json
import os
import shutil
import socket
import sys

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from dashboard_support import Server, chrome, overflow, screenshot, set_viewport

FIXTURES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "WatcherTests", "Fixtures")


def closed_port():
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(driver, description, condition, timeout=60):
    try:
        return WebDriverWait(driver, timeout, 0.1).until(lambda d: condition())
    except Exception:
        raise AssertionError("timed out waiting for " + description) from None


def sessions_text(driver):
    section = driver.find_element(By.ID, "sessions")
    return section.text if section.is_displayed() else ""


def main(binary):
    server = None
    driver = None
    try:
        server = Server(binary)
        home = os.path.join(server.folder, "home")
        project = os.path.join(home, "claude", "-home-op-projects-demo")
        os.makedirs(project)
        os.makedirs(os.path.join(home, "openclaw"))
        server.extra_env = {
            "DORMOUSE_WATCH": "1", "HOME": home, "CLAUDE_PROJECTS_DIR": os.path.join(home, "claude"),
            "TRANSCRIPT_DIR": os.path.join(home, "openclaw"), "WATCH_STATE_FILE": os.path.join(home, "offsets.json"),
            "PID_FILE": os.path.join(home, "watch.pid"), "MM_BASE_URL": "http://127.0.0.1:%d" % closed_port(),
            "MM_BOT_TOKEN": "not-a-real-token", "DEFAULT_CHANNEL": "nowhere",
        }
        server.start()
        assert server.call("GET", "/watch/sessions")["watching"] is True

        driver = chrome(1280, 900)
        driver.get(server.base + "/")
        wait_for(driver, "the token field", lambda: driver.find_element(By.ID, "token").is_displayed())
        driver.find_element(By.ID, "token").send_keys(server.token)
        driver.find_element(By.CSS_SELECTOR, "#login button").click()
        wait_for(driver, "the section to show with no sessions", lambda: "No sessions." in sessions_text(driver))

        # A session appears: the page shows what its chat post would say, read from the API.
        shutil.copy(os.path.join(FIXTURES, "claude-code", "short.jsonl"), os.path.join(project, "s1.jsonl"))
        wait_for(driver, "the session in the API", lambda: server.call("GET", "/watch/sessions")["sessions"])
        listed = server.call("GET", "/watch/sessions")["sessions"][0]
        first_line = listed["text"].splitlines()[0]
        wait_for(driver, "the session on the page", lambda: first_line in sessions_text(driver), timeout=30)
        shown = sessions_text(driver)
        assert "mix phx.server" in shown, shown
        assert overflow(driver) <= 0, "the page overflows by %d px at 1280" % overflow(driver)
        screenshot(driver, "1280-watch")

        # A line appended to the transcript reaches the page (it refreshes the sessions every 5 s).
        with open(os.path.join(project, "s1.jsonl"), "a") as transcript:
            transcript.write(json.dumps({"type": "user", "message": {"role": "user",
                                                                     "content": "try the release build instead"}}) + "\n")
        wait_for(driver, "the appended line on the page", lambda: "try the release build instead" in sessions_text(driver),
                 timeout=30)

        # The long tool lines of a session wrap inside the section on a phone.
        set_viewport(driver, 390, 844)
        wait_for(driver, "no overflow at 390", lambda: overflow(driver) <= 0, timeout=10)
        driver.execute_script("document.getElementById('sessions').scrollIntoView()")
        screenshot(driver, "390-watch")
        print("dashboard watch test passed: %r" % first_line)
    except Exception:
        if driver is not None:
            print("page text at failure:\n" + driver.find_element(By.TAG_NAME, "body").text, file=sys.stderr)
        raise
    finally:
        if driver is not None:
            driver.quit()
        if server is not None:
            server.stop()


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else ".build/debug/dormouse")
