"""The browser-to-host attack, replayed with a real headless Chromium on a page of another origin.

Dormouse runs in its default setup (loopback, no token), once with host-mode agents enabled, the worst case.
A page served from another origin tries everything a web page can do without the user: "simple" no-cors
fetches with a `text/plain` body (declare a host-mode agent that touches a file, then dispatch to it), the
same with an `application/json` body (needs a CORS preflight), a hidden `text/plain` form posted to the API,
and a cross-origin read of `/agents`. All must fail: no agent stored, no file touched, nothing read. A
DNS-rebinding request (a `Host` that is not the server's) must be refused too. As a control, the same
declaration sent as the dashboard would (same origin, `application/json`) is accepted, so the checks can fail.
"""
import http.client
import http.server
import os
import socket
import threading

from faultlib import DormouseServer, check, free_port, wait_until

PAGE = """<!doctype html><html><body>
<form id="f" method="POST" enctype="text/plain" target="sink" action="%(target)s/agents">
<input name='{"name":"pwn-form","mode":"host","dispatch":{"type":"command","argv":["/usr/bin/touch","%(mark)s-form"]},"x":"' value='"}'>
</form><iframe name="sink"></iframe>
<script>
const target = "%(target)s";
const host = {name: "pwn", mode: "host", dispatch: {type: "command", argv: ["/usr/bin/touch", "%(mark)s"]}};
const results = [];
async function attempt(label, run) {
  try { const r = await run(); results.push(label + ":" + (r.type === "opaque" ? "opaque" : r.status)); }
  catch (e) { results.push(label + ":blocked"); }
}
(async () => {
  await attempt("plain-declare", () => fetch(target + "/agents", {method: "POST", mode: "no-cors",
      headers: {"Content-Type": "text/plain"}, body: JSON.stringify(host)}));
  await attempt("plain-dispatch", () => fetch(target + "/agents/pwn/tasks", {method: "POST", mode: "no-cors",
      headers: {"Content-Type": "text/plain"}, body: '{"payload": 1}'}));
  await attempt("json-declare", () => fetch(target + "/agents", {method: "POST",
      headers: {"Content-Type": "application/json"}, body: JSON.stringify(Object.assign({}, host, {name: "pwn-json"}))}));
  await attempt("read-agents", async () => { const r = await fetch(target + "/agents"); await r.text(); return r; });
  document.getElementById("f").submit();
  await new Promise(done => setTimeout(done, 1500));
  document.title = "done " + results.join(" ");
})();
</script></body></html>"""


def serve_page(html):
    """The attacker's page, on another origin (another port of loopback)."""
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            body = html.encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass
    port = free_port()
    page = http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler)
    threading.Thread(target=page.serve_forever, daemon=True).start()
    return page, "http://localhost:%d/" % port


def rebinding_status(server):
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    connection.request("GET", "/agents", headers={"Host": "evil.example:%d" % server.port})
    status = connection.getresponse().status
    connection.close()
    return status


def run(binary, workdir, engine, figures):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    mark = os.path.join(workdir, "pwned")
    server = DormouseServer(binary, workdir, engine, name="browser-attack",
                            extra_env={"DORMOUSE_ALLOW_HOST_AGENTS": "1"})
    server.start()
    page, page_url = serve_page(PAGE % {"target": server.base, "mark": mark})
    driver = None
    try:
        options = webdriver.ChromeOptions()
        for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,900"):
            options.add_argument(argument)
        driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
        driver.get(page_url)
        wait_until(lambda: driver.title.startswith("done"), 60, 0.1, "the attack page to finish")
        outcome = driver.title
        status, body = server.call("GET", "/agents")
        names = sorted(agent["name"] for agent in body["agents"])
        check(names == [], "the attack stored agents %s (page saw: %s)" % (names, outcome))
        for suffix in ("", "-form"):
            check(not os.path.exists(mark + suffix), "the attack ran a command on the host: %s exists" % (mark + suffix))
        check("read-agents:blocked" in outcome, "the page could read /agents across origins: %s" % outcome)
        rebound = rebinding_status(server)
        check(rebound in (400, 421), "a request with Host: evil.example answered %s" % rebound)
        # Control: the same declaration from a same-origin client with application/json is accepted.
        status, body = server.call("POST", "/agents", {"name": "control", "mode": "host",
                                                       "dispatch": {"type": "command", "argv": ["/bin/true"]}})
        check(status == 201, "the same-origin control declaration answered %s: %s" % (status, body))
        figures.update({"browser_attack.page_saw": outcome, "browser_attack.rebinding_status": rebound})
    finally:
        if driver is not None:
            driver.quit()
        page.shutdown()
        server.stop()
