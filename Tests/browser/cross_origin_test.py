#!/usr/bin/env python3
"""The browser-to-host attack of issue 13, replayed with a real headless Chromium (Debian's chromium and
chromium-driver, Selenium from PyPI); it must fail.

Starts `dormouse serve` in its default setup (loopback, no token) and a page on another origin
(http://evil.example:<port>, which Chromium resolves to 127.0.0.1) that sends what any page can send without
a preflight: `fetch(..., {mode: "no-cors"})` POSTs with a text/plain body that declare a host-mode agent and
dispatch to an existing one; then a JSON POST (which needs a preflight) and a cross-origin read. A DNS
rebinding is played by opening the server under the attacker's name. Nothing may be stored, no answer may be
readable, and the rebound page must get 421. Usage: cross_origin_test.py path/to/dormouse
"""
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import urllib.request
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from functools import partial

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from dashboard_support import free_port, wait_for_health

PAGE = """<!doctype html><title>loading</title><body><script>
const target = "http://127.0.0.1:%(port)d";
const agent = JSON.stringify({name: "pwn", mode: "host", dispatch: {type: "command", argv: ["/bin/echo", "pwned"]}});
const results = window.results = [];
async function attempt(label, request) {
  try { const response = await request(); results.push(label + " " + response.type + " " + response.status); }
  catch (error) { results.push(label + " blocked"); }
}
(async () => {
  const simple = {method: "POST", mode: "no-cors", headers: {"Content-Type": "text/plain"}};
  await attempt("declare", () => fetch(target + "/agents", Object.assign({body: agent}, simple)));
  await attempt("dispatch", () => fetch(target + "/agents/victim/tasks", Object.assign({body: '{"payload": 1}'}, simple)));
  await attempt("json", () => fetch(target + "/agents", {method: "POST", headers: {"Content-Type": "application/json"}, body: agent}));
  await attempt("read", () => fetch(target + "/agents").then(async r => { await r.text(); return r; }));
  document.body.textContent = results.join("\\n");
  document.title = "done";
})();
</script>"""


def api(base, method, path, body=None):
    request = urllib.request.Request(base + path, method=method, data=json.dumps(body).encode() if body else None)
    request.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.loads(response.read() or b"null")


def main(binary):
    port, page_port = free_port(), free_port()
    base = "http://127.0.0.1:%d" % port
    folder = tempfile.mkdtemp(prefix="dormouse-xo-")
    with open(os.path.join(folder, "index.html"), "w") as page:
        page.write(PAGE % {"port": port})
    environment = dict(os.environ, DORMOUSE_DB=folder + "/d.sqlite", LOG_LEVEL="error")
    environment.pop("DORMOUSE_API_TOKEN", None)
    server = subprocess.Popen([binary, "serve", "--port", str(port)], env=environment)
    pages = ThreadingHTTPServer(("127.0.0.1", page_port), partial(QuietHandler, directory=folder))
    threading.Thread(target=pages.serve_forever, daemon=True).start()
    driver = None
    try:
        wait_for_health(base, server)
        api(base, "POST", "/agents", {
            "name": "victim", "mode": "container", "container": {"image": "dormouse-test/busybox:latest"},
            "dispatch": {"type": "exec", "argv": ["echo", "ran"]},
        })
        options = webdriver.ChromeOptions()
        for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage",
                         "--host-resolver-rules=MAP evil.example 127.0.0.1"):
            options.add_argument(argument)
        driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
        wait = WebDriverWait(driver, 60, poll_frequency=0.1)
        driver.get("http://evil.example:%d/index.html" % page_port)
        wait.until(lambda d: d.title == "done")
        results = driver.execute_script("return window.results")
        # no-cors answers are opaque (status 0): the page learns nothing, and the server refused them.
        assert results[0:2] == ["declare opaque 0", "dispatch opaque 0"], results
        assert results[2:] == ["json blocked", "read blocked"], results
        agents = [agent["name"] for agent in api(base, "GET", "/agents")["agents"]]
        assert agents == ["victim"], agents
        tasks = api(base, "GET", "/agents/victim/tasks")["tasks"]
        assert tasks == [], tasks

        # DNS rebinding: the attacker's name now points at the server; the server does not answer as it.
        driver.get("http://evil.example:%d/health" % port)
        rebound = driver.find_element(By.TAG_NAME, "body").text
        assert "misdirected" in rebound and "421" in rebound, rebound
        print("cross-origin test passed: %s; rebound page refused" % results)
    finally:
        if driver is not None:
            driver.quit()
        pages.shutdown()
        try:  # removes the container Dormouse created for the agent
            api(base, "DELETE", "/agents/victim")
        except Exception as error:  # the test's own failure matters more
            print("cross-origin test: could not delete the agent: %s" % error)
        server.terminate()
        server.wait(timeout=30)


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else ".build/debug/dormouse")
