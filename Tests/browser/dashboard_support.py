"""What the dashboard's browser tests share: a `dormouse serve` on a free port, API calls with the token, Chromium
over WebDriver (with CDP for the viewport, the colour scheme and the time zone), and the no-horizontal-overflow check.
"""
import json
import os
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
import uuid

from selenium import webdriver
from selenium.webdriver.chrome.service import Service

IMAGE = os.environ.get("DORMOUSE_TEST_IMAGE", "dormouse-test/busybox:latest")
SCREENSHOTS = os.path.join(".build", "dashboard-screenshots")


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_health(base, process):
    """Waits until `dormouse serve` (the Popen `process`) answers `GET /health`; bounded, and failing if it exits."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit("dormouse serve exited with %s" % process.returncode)
        try:
            with urllib.request.urlopen(base + "/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.05)   # polling /health: bounded by the deadline above
    raise SystemExit("dormouse serve did not answer /health within 60 s")


class ProblemError(Exception):
    """An API call answered with an error: the status and the problem document."""

    def __init__(self, status, problem):
        super().__init__("HTTP %s: %s" % (status, problem))
        self.status = status
        self.problem = problem


class Server:
    """`dormouse serve` with an API token on 127.0.0.1 and a free port, on its own database in a temporary folder."""

    def __init__(self, binary, database=None, extra_env=None):
        self.binary = binary
        self.token = "browser-" + uuid.uuid4().hex
        self.folder = tempfile.mkdtemp(prefix="dormouse-browser-")
        self.database = database or os.path.join(self.folder, "d.sqlite")
        self.extra_env = extra_env or {}
        self.process = None
        self.port = None

    @property
    def base(self):
        return "http://127.0.0.1:%d" % self.port

    def start(self):
        self.port = free_port()
        environment = dict(os.environ, DORMOUSE_API_TOKEN=self.token, DORMOUSE_DB=self.database, LOG_LEVEL="error",
                           **self.extra_env)
        self.process = subprocess.Popen([self.binary, "serve", "--host", "127.0.0.1", "--port", str(self.port)],
                                        env=environment)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit("dormouse serve exited with %s" % self.process.returncode)
            try:
                with urllib.request.urlopen(self.base + "/health", timeout=2) as response:
                    if response.status == 200:
                        return self
            except OSError:
                time.sleep(0.05)   # polling /health: bounded by the deadline above
        raise SystemExit("dormouse serve did not answer /health within 60 s")

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self.process = None

    def call(self, method, path, body=None, timeout=120):
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.base + path, method=method, data=data)
        request.add_header("Authorization", "Bearer " + self.token)
        if data is not None:
            request.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return json.loads(response.read() or b"null")
        except urllib.error.HTTPError as error:
            raise ProblemError(error.code, json.loads(error.read() or b"null")) from None


def chrome(width, height, headless=True):
    """Chromium at a CSS viewport of width × height (set over CDP, so the window's chrome does not count)."""
    options = webdriver.ChromeOptions()
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=%d,%d" % (width, height),
                     "--hide-scrollbars"):
        if headless or not argument.startswith("--headless"):
            options.add_argument(argument)
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    set_viewport(driver, width, height)
    return driver


def set_viewport(driver, width, height, mobile=None):
    mobile = width < 600 if mobile is None else mobile
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
        "width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile})


def set_color_scheme(driver, scheme):
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {
        "features": [{"name": "prefers-color-scheme", "value": scheme}]})


def overflow(driver):
    """How many CSS pixels the page is wider than the viewport (0 when nothing overflows horizontally)."""
    return driver.execute_script("return document.documentElement.scrollWidth - innerWidth")


def screenshot(driver, name):
    os.makedirs(SCREENSHOTS, exist_ok=True)
    path = os.path.join(SCREENSHOTS, name + ".png")
    driver.save_screenshot(path)
    return path


def lazy_agent(name, container, command="echo got:$DORMOUSE_PAYLOAD", **extra):
    """A lazy container agent on the test image; declaring it starts nothing."""
    body = {
        "name": name, "mode": "container", "lifecycle": "lazy", "idle_timeout_s": 3600,
        "container": {"name": container, "image": IMAGE, "command": ["sleep", "3600"]},
        "dispatch": {"type": "exec", "argv": ["sh", "-c", command]},
    }
    body.update(extra)
    return body
