"""The dashboard's Webhooks section in a real headless browser, without a Docker engine.

Two webhooks get a backlog of lifecycle events written to the audit table while the server is stopped: one to a
local receiver that answers 204, one to a closed port. After the restart (DORMOUSE_WEBHOOK_FAILING_AFTER=1) the page
must list both by host only (never the path, its query or the secret), the first `ok` and caught up, the second
`failing` with its error, at 1280 and 390 px wide without horizontal overflow. Screenshots go to
`.build/dashboard-screenshots/`.

    python3 Tests/browser/webhooks_dashboard_test.py .build/debug/dormouse
"""
import http.server
import os
import socket
import sqlite3
import sys
import threading

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from dashboard_support import Server, chrome, free_port, overflow, screenshot, set_viewport  # noqa: E402

SECRET = "browser-secret-0123456789abcdef-0123456789"


class Receiver(http.server.BaseHTTPRequestHandler):
    received = []

    def do_POST(self):
        Receiver.received.append(self.rfile.read(int(self.headers["Content-Length"])))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


def closed_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def main(binary):
    receiver = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    threading.Thread(target=receiver.serve_forever, daemon=True).start()
    folder_env = {"DOCKER_HOST": "unix:///nonexistent/dormouse-browser.sock", "DORMOUSE_WEBHOOK_FAILING_AFTER": "1"}
    server = Server(binary, extra_env=folder_env)
    driver = None
    try:
        server.start()
        good = server.call("POST", "/webhooks", {
            "url": "http://127.0.0.1:%d/hooks/path-secret?token=query-secret" % receiver.server_address[1],
            "secret": SECRET})
        bad = server.call("POST", "/webhooks", {"url": "http://127.0.0.1:%d/down" % closed_port(), "secret": SECRET})
        server.stop()
        with sqlite3.connect(server.database) as db:
            db.executemany("INSERT INTO lifecycle_events (instance, type, ts, detail_json) VALUES (?, ?, ?, ?)",
                           [("w1", "lazy_start" if i % 2 else "lazy_stop", 1763776311000 + i, '{"trigger":"browser"}')
                            for i in range(1, 4)])
        server.start()

        driver = chrome(1280, 900)
        driver.get(server.base + "/")
        token_field = WebDriverWait(driver, 30, 0.1).until(
            lambda d: d.find_element(By.ID, "token") if d.find_element(By.ID, "token").is_displayed() else None)
        token_field.send_keys(server.token)
        token_field.submit()

        def section_ready(d):
            items = d.find_elements(By.CSS_SELECTOR, "#webhook-list li")
            texts = [item.text for item in items]
            return texts if len(texts) == 2 and any("failing" in t for t in texts) and any("0 behind" in t for t in texts) else None

        # The page reloads the list every 10 s: the failing state and the caught-up one appear within two rounds.
        texts = None
        for _ in range(3):
            try:
                texts = WebDriverWait(driver, 12, 0.2).until(section_ready)
                break
            except Exception:
                driver.refresh()
        assert texts, "the Webhooks section never showed both states: %s" % [
            item.text for item in driver.find_elements(By.CSS_SELECTOR, "#webhook-list li")]
        by_id = {item.get_attribute("data-id"): item.text for item in driver.find_elements(By.CSS_SELECTOR, "#webhook-list li")}
        assert "ok" in by_id[good["id"]] and "3 delivered" in by_id[good["id"]], by_id
        assert "failing" in by_id[bad["id"]] and "in a row: " in by_id[bad["id"]], by_id
        page = driver.find_element(By.ID, "webhooks").text
        for hidden in ("path-secret", "query-secret", SECRET, "/down"):
            assert hidden not in page, "the page shows %r" % hidden
        assert len(Receiver.received) == 3, Receiver.received
        assert overflow(driver) <= 0, "horizontal overflow at 1280 px"
        screenshot(driver, "webhooks-1280")
        set_viewport(driver, 390, 844)
        assert overflow(driver) <= 0, "horizontal overflow at 390 px"
        driver.execute_script("document.getElementById('webhooks').scrollIntoView()")
        screenshot(driver, "webhooks-390")
        print("webhooks dashboard: ok (%s)" % "; ".join(sorted(texts)))
    finally:
        if driver is not None:
            driver.quit()
        server.stop()
        receiver.shutdown()


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else ".build/debug/dormouse")
