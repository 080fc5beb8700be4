#!/usr/bin/env python3
"""The dashboard in a real headless browser (Debian's chromium and chromium-driver, Selenium from PyPI).

Starts `dormouse serve` with an API token on a free port, against the real Docker engine, with lazy agents on the
test image in several states (one paused, one that idles out after 2 s, one never woken, one an operator starts
and stops from the page). Chromium over WebDriver, at 1280×900 and at 390×844, in light and dark, in a time zone
that is not the machine's (Asia/Kolkata). It checks that:
- the page asks for the token and goes live over the EventSource (SSE);
- the sleep timeline shows each agent's spans from GET /timeline, and a live lifecycle event extends it (a span is
  added from the event, before any refetch); hovering a span shows its start and stop in the viewer's time zone,
  its latency_ms and its idle_seconds; the keyboard reaches the rows and shows the same details;
- a dispatch from the page runs a task and shows its output; start and stop from the page work (the API agrees);
  an error is shown as the problem's detail;
- nothing overflows horizontally (`document.documentElement.scrollWidth <= innerWidth`) at either size, light
  or dark, and screenshots are saved under .build/dashboard-screenshots/ for a person to look at.
Usage: dashboard_test.py path/to/dormouse
"""
import datetime
import re
import subprocess
import sys
import time
import uuid
import zoneinfo

from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from dashboard_support import (ProblemError, Server, chrome, lazy_agent, overflow, screenshot, set_color_scheme,
                               set_viewport)

ZONE = "Asia/Kolkata"


def wait_for(description, condition, timeout=60, poll=0.1):
    """Polls `condition` until it returns something truthy; fails naming `description` after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        try:
            last = condition()
        except Exception as error:   # the page may be re-rendering the element being read
            last = error
        if last and not isinstance(last, Exception):
            return last
        time.sleep(poll)   # polling a condition, bounded by the deadline
    raise AssertionError("timed out after %s s waiting for %s (last: %r)" % (timeout, description, last))


def figure(tip, key):
    """The number the tooltip shows after `key` (e.g. "latency_ms 412.5")."""
    found = re.search(r"\b%s ([0-9.]+)" % key, tip["text"])
    assert found, "the tooltip shows no %s: %r" % (key, tip)
    return float(found.group(1))


def local_clock(ts, zone):
    """The page's own time format (HH:MM:SS, with the date when not today) in `zone`."""
    moment = datetime.datetime.fromtimestamp(ts / 1000, zoneinfo.ZoneInfo(zone))
    today = datetime.datetime.now(zoneinfo.ZoneInfo(zone)).date()
    return ("" if moment.date() == today else moment.strftime("%Y-%m-%d ")) + moment.strftime("%H:%M:%S")


class Page:
    """The dashboard as the test reads it."""

    def __init__(self, driver):
        self.driver = driver

    def js(self, script, *arguments):
        return self.driver.execute_script(script, *arguments)

    def row(self, name):
        return self.driver.find_element(By.ID, "row-" + name)

    def path(self, name, state):
        return self.js("return document.querySelector('#row-' + CSS.escape(arguments[0]) + ' path.' + arguments[1])"
                       ".getAttribute('d') || ''", name, state)

    def live_spans(self, name):
        return int(self.row(name).get_attribute("data-live-spans") or 0)

    def badge(self, name):
        return self.js("return document.querySelector('#row-' + CSS.escape(arguments[0]) + ' .badge').textContent", name)

    def tip(self):
        return self.js("const t = document.getElementById('tip'); return t.hidden ? null : "
                       "{text: t.innerText, from: Number(t.dataset.from), agent: t.dataset.agent, "
                       "times: [...t.querySelectorAll('time')].map((e) => e.textContent)}")

    def hover(self, name, fraction=None, ts=None):
        """Moves the pointer over the agent's track at `fraction` of its width (0 left, 1 right), or at time `ts`."""
        track = self.row(name).find_element(By.CSS_SELECTOR, "svg.track")
        self.driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", track)
        if ts is not None:
            since, until = (int(self.driver.find_element(By.ID, "rows").get_attribute(key)) for key in ("data-since", "data-until"))
            fraction = min(1.0, (ts - since) / (until - since))
        width = track.size["width"]
        x = max(-width / 2 + 1, min(width / 2 - 1, width * (fraction - 0.5)))
        ActionChains(self.driver).move_to_element_with_offset(track, int(x), 0).perform()

    def choose(self, name):
        self.row(name).find_element(By.CSS_SELECTOR, ".pick").click()
        wait_for("the panel for " + name, lambda: self.driver.find_element(By.ID, "agent-name").text == name)

    def result(self):
        box = self.driver.find_element(By.ID, "action-result")
        return box.text, "error" in (box.get_attribute("class") or "")


def check_no_overflow(page, label):
    extra = overflow(page.driver)
    assert extra <= 0, "%s: the page is %d px wider than the viewport" % (label, extra)
    # A row contains its paint, so a row too wide would be cut off rather than scroll: check its parts too.
    cut = page.js("return [...document.querySelectorAll('#rows .row:not([hidden]) > *, #axis > *, #fleet .card, aside > section,"
                  " header > *')].filter((e) => { const r = e.getBoundingClientRect(); const p = e.closest('.row, #axis');"
                  " const box = p ? p.getBoundingClientRect() : {left: 0, right: innerWidth};"
                  " return r.width > 0 && (r.right > Math.min(innerWidth, box.right) + 0.5 || r.left < box.left - 0.5); })"
                  ".map((e) => (e.closest('[id]') || e).id + ' > ' + e.tagName + '.' + e.getAttribute('class'))")
    assert not cut, "%s: parts outside the viewport or their row: %s" % (label, cut[:10])


def main(binary):
    server = Server(binary)
    containers = {name: "dormouse-test-dash-%s-%s" % (name, uuid.uuid4().hex[:6])
                  for name in ("sleeper", "warm", "idle", "runner")}
    driver = None
    page = None
    try:
        server.start()
        server.call("POST", "/agents", lazy_agent("sleeper", containers["sleeper"], idle_timeout_s=2))
        server.call("POST", "/agents", lazy_agent("warm", containers["warm"], idle_timeout_s=600, pause_after_s=1))
        server.call("POST", "/agents", lazy_agent("idle", containers["idle"]))
        server.call("POST", "/agents", lazy_agent("runner", containers["runner"], idle_timeout_s=600))
        # `warm` wakes, then is paused after 1 s idle: the page opens on agents asleep, paused and (later) awake.
        assert server.call("POST", "/agents/warm/tasks?wait=true", {"payload": "w"})["status"] == "succeeded"
        wait_for("warm to be paused",
                 lambda: server.call("GET", "/agents/warm")["state"]["lifecycle_state"] == "paused", timeout=60)

        driver = chrome(1280, 900)
        driver.execute_cdp_cmd("Emulation.setTimezoneOverride", {"timezoneId": ZONE})
        page = Page(driver)
        driver.get(server.base + "/")
        token_field = WebDriverWait(driver, 30, 0.1).until(
            lambda d: d.find_element(By.ID, "token") if d.find_element(By.ID, "token").is_displayed() else None)
        token_field.send_keys(server.token)
        driver.find_element(By.CSS_SELECTOR, "#login button").click()
        wait_for("the status to read live", lambda: driver.find_element(By.ID, "status").text == "live")

        # The timeline: one row per agent, with the spans GET /timeline gave (asleep since created; warm paused).
        wait_for("four timeline rows", lambda: len(driver.find_elements(By.CSS_SELECTOR, "#rows .row")) == 4)
        for name in ("sleeper", "idle", "runner", "warm"):
            wait_for(name + "'s asleep span", lambda: page.path(name, "asleep").startswith("M"))
        wait_for("warm's awake and paused spans", lambda: page.path("warm", "awake") and page.path("warm", "paused"))
        assert page.badge("warm") == "paused", page.badge("warm")
        assert page.badge("idle") == "stopped", page.badge("idle")
        assert page.path("idle", "awake") == "", page.path("idle", "awake")
        # Without `serve --watch` there are no watcher sessions: the section stays hidden.
        assert server.call("GET", "/watch/sessions")["watching"] is False
        assert not driver.find_element(By.ID, "sessions").is_displayed()

        # A live event extends the timeline: the page adds the span from the event itself (data-live-spans).
        before = page.live_spans("sleeper")
        assert page.path("sleeper", "awake") == ""
        task = server.call("POST", "/agents/sleeper/tasks?wait=true", {"payload": "live"})
        assert task["status"] == "succeeded", task
        wait_for("a live awake span on sleeper",
                 lambda: page.live_spans("sleeper") > before and page.path("sleeper", "awake").startswith("M"),
                 timeout=20)
        started = [e for e in server.call("GET", "/agents/sleeper/events")["events"] if e["type"] == "lazy_start"][-1]
        latency = started["detail"]["latency_ms"]
        # Hover the newest span (the right edge): awake, from the event's time, with its latency.
        page.hover("sleeper", ts=started["ts"] + 500)
        tip = wait_for("the tooltip of sleeper's awake span", lambda: (lambda t: t if t and "awake" in t["text"] else None)(page.tip()))
        assert abs(figure(tip, "latency_ms") - latency) <= 0.051, (tip, latency)
        assert tip["from"] == started["ts"], (tip, started)
        assert tip["times"][0] == local_clock(started["ts"], ZONE), (tip, local_clock(started["ts"], ZONE))
        # The idle timer stops it 2 s later: a second live span, asleep, with the idle_seconds of the stop.
        wait_for("a live asleep span on sleeper", lambda: page.live_spans("sleeper") >= before + 2, timeout=30)
        stopped = [e for e in server.call("GET", "/agents/sleeper/events")["events"] if e["type"] == "lazy_stop"][-1]
        wait_for("sleeper's badge to read stopped", lambda: page.badge("sleeper") == "stopped")

        # A dispatch from the page: the task runs (waiting for it) and its output is shown.
        page.choose("sleeper")
        payload = driver.find_element(By.ID, "payload")
        payload.clear()
        payload.send_keys('{"n": 19}')
        assert driver.find_element(By.ID, "wait").is_selected()
        driver.find_element(By.ID, "dispatch").click()
        wait_for("the dispatch result", lambda: "succeeded" in page.result()[0], timeout=90)
        newest = server.call("GET", "/agents/sleeper/tasks?limit=1")["tasks"][0]
        assert newest["status"] == "succeeded" and newest["output"].startswith('got:{"n":19}'), newest
        first = wait_for("the task in the list", lambda: driver.find_element(By.CSS_SELECTOR, "#tasks li[data-task='%s']" % newest["id"]))
        assert "succeeded" in first.text and "wake cold" in first.text, first.text
        output = first.find_element(By.CSS_SELECTOR, "details pre")
        wait_for("the output to be shown", lambda: output.is_displayed() or
                 first.find_element(By.CSS_SELECTOR, "details summary").click())
        assert output.text.strip() == newest["output"].strip(), (output.text, newest["output"])

        # Start and stop from the page; the API agrees.
        page.choose("runner")
        driver.find_element(By.ID, "action-start").click()
        wait_for("the start result", lambda: "started" in page.result()[0], timeout=90)
        assert server.call("GET", "/agents/runner")["state"]["lifecycle_state"] == "running"
        wait_for("runner's badge to read running", lambda: page.badge("runner") == "running")
        wait_for("a live awake span on runner", lambda: page.path("runner", "awake").startswith("M"), timeout=20)
        check_no_overflow(page, "1280 light, agents awake")
        screenshot(driver, "1280-light")
        driver.find_element(By.ID, "action-stop").click()
        wait_for("the stop result", lambda: "stopped" in page.result()[0] and not page.result()[1], timeout=90)
        assert server.call("GET", "/agents/runner")["state"]["lifecycle_state"] == "stopped"
        wait_for("runner's badge to read stopped", lambda: page.badge("runner") == "stopped")

        # An error is shown as the problem's detail: an exec payload over 128 KiB is refused with 422.
        big = "x" * (130 * 1024)
        try:
            server.call("POST", "/agents/runner/tasks", {"payload": big})
            raise AssertionError("the server accepted a 130 KiB exec payload")
        except ProblemError as error:
            detail = error.problem["detail"]
        page.js("document.getElementById('payload').value = arguments[0]", big)
        driver.find_element(By.ID, "dispatch").click()
        wait_for("the problem detail", lambda: page.result() == (detail, True), timeout=30)

        # Hover warm's paused span (open since its pause): from the pause, with the idle_seconds it was paused after.
        # A pixel is 7.5 s of the hour, so the pointer goes to the middle of the span until it is wide enough to hit.
        paused = [e for e in server.call("GET", "/agents/warm/events")["events"] if e["type"] == "lazy_pause"][-1]

        def paused_tip():
            until = int(driver.find_element(By.ID, "rows").get_attribute("data-until"))
            page.hover("warm", ts=(paused["ts"] + until) / 2)
            tip = page.tip()
            return tip if tip and "paused" in tip["text"] else None
        tip = wait_for("the tooltip of warm's paused span", paused_tip, timeout=120, poll=0.5)
        assert tip["from"] == paused["ts"] and "now" in tip["text"], (tip, paused)
        assert abs(figure(tip, "idle_seconds") - paused["detail"]["idle_seconds"]) <= 0.051, (tip, paused)
        assert tip["times"][0] == local_clock(paused["ts"], ZONE), tip
        # sleeper idles out again after the page's dispatch (2 s).
        wait_for("sleeper to sleep again", lambda: page.badge("sleeper") == "stopped", timeout=30)
        stopped = [e for e in server.call("GET", "/agents/sleeper/events")["events"] if e["type"] == "lazy_stop"][-1]
        assert stopped["ts"] > newest["finished_at"], (stopped, newest)
        # The keyboard reaches the timeline: Tab from the top lands on a row, arrows move, Enter opens the agent.
        page.js("document.activeElement.blur(); window.scrollTo(0, 0)")
        body = driver.find_element(By.TAG_NAME, "body")
        body.send_keys(Keys.TAB)
        for _ in range(40):
            if page.js("return document.activeElement.classList.contains('row')"):
                break
            driver.switch_to.active_element.send_keys(Keys.TAB)
        assert page.js("return document.activeElement.classList.contains('row')"), "Tab never reached a timeline row"
        driver.switch_to.active_element.send_keys(Keys.END)
        focused = page.js("return document.activeElement.dataset.agent")
        assert focused == "warm", focused
        driver.switch_to.active_element.send_keys(Keys.ARROW_UP)
        assert page.js("return document.activeElement.dataset.agent") == "sleeper"
        # The focused row shows its newest span: asleep since the idle stop that followed the page's dispatch, with
        # the stop's idle_seconds.
        tip = wait_for("the keyboard's tooltip", lambda: (lambda t: t if t and t["agent"] == "sleeper" else None)(page.tip()))
        assert "asleep" in tip["text"] and tip["from"] == stopped["ts"], (tip, stopped)
        assert abs(figure(tip, "idle_seconds") - stopped["detail"]["idle_seconds"]) <= 0.051, (tip, stopped)
        assert tip["times"][0] == local_clock(stopped["ts"], ZONE), tip
        # The left arrow moves to the span before: the wake (the task dispatched from the page), with its latency.
        driver.switch_to.active_element.send_keys(Keys.ARROW_LEFT)
        tip = wait_for("the keyboard's tooltip, one span left", lambda: (lambda t: t if t and "awake" in t["text"] else None)(page.tip()))
        assert figure(tip, "latency_ms") > 0 and tip["from"] < stopped["ts"], tip
        driver.switch_to.active_element.send_keys(Keys.ENTER)
        wait_for("Enter to open sleeper", lambda: driver.find_element(By.ID, "agent-name").text == "sleeper")

        # Every window: spans drawn, no overflow; then the screenshots, light and dark, at both sizes.
        for window, label in (("86400000", "24h"), ("604800000", "7d"), ("3600000", "1h")):
            driver.find_element(By.CSS_SELECTOR, '#windows [data-window="%s"]' % window).click()
            wait_for(label + " view", lambda: page.js("return document.querySelector('#windows [aria-pressed=true]')"
                                                      ".dataset.window") == window)
            wait_for(label + " asleep spans", lambda: page.path("idle", "asleep").startswith("M"))
            check_no_overflow(page, "1280, " + label)
        page.hover("warm", 0.99)
        wait_for("a tooltip", page.tip)
        set_color_scheme(driver, "dark")
        assert page.js("return matchMedia('(prefers-color-scheme: dark)').matches")
        assert page.js("return getComputedStyle(document.body).backgroundColor") != "rgb(245, 247, 250)"
        check_no_overflow(page, "1280 dark")
        screenshot(driver, "1280-dark")

        set_viewport(driver, 390, 844)
        wait_for("the phone layout", lambda: page.js("return innerWidth") == 390)
        for scheme in ("dark", "light"):
            set_color_scheme(driver, scheme)
            check_no_overflow(page, "390 " + scheme)
            track = page.row("sleeper").find_element(By.CSS_SELECTOR, "svg.track")
            assert track.size["width"] >= 300, track.size
            screenshot(driver, "390-" + scheme)
        page.choose("runner")
        check_no_overflow(page, "390 with the panel")
        driver.find_element(By.ID, "agent-panel").location_once_scrolled_into_view
        screenshot(driver, "390-light-panel")
        print("dashboard test passed; screenshots in .build/dashboard-screenshots/")
    except Exception:
        if driver is not None:
            print("page text at failure:\n" + driver.find_element(By.TAG_NAME, "body").text[:4000], file=sys.stderr)
            print("browser log:", [entry for entry in driver.get_log("browser") if "favicon" not in entry["message"]],
                  file=sys.stderr)
            screenshot(driver, "failure")
        raise
    finally:
        if driver is not None:
            driver.quit()
        server.stop()
        for container in containers.values():
            subprocess.run(["docker", "rm", "-f", container], capture_output=True)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else ".build/debug/dormouse")
