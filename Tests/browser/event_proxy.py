"""A proxy in front of `dormouse serve` for the dashboard's performance test.

It forwards every request to the real server except `GET /events`, which it answers itself: a correctly framed
Server-Sent Events stream (`id:`, `event:`, `data:` as Dormouse frames it) at a fixed rate, naming the given agents.
The lifecycle cannot make 50 real container transitions a second on a small machine, so this is how the page is
fed a realistic load while it talks to the real server for everything else.
"""
import http.client
import http.server
import json
import random
import socketserver
import threading
import time

from dashboard_support import free_port

# Each agent alternates through the lifecycle: the next event of an agent follows from its last one.
NEXT = {
    None: "container.lazy_started", "container.lazy_started": "container.lazy_paused",
    "container.lazy_paused": "container.lazy_resumed", "container.lazy_resumed": "container.lazy_stopped",
    "container.lazy_stopped": "container.lazy_started",
}


class EventSource:
    """Makes the events: ids after `first_id`, times now, each agent moving through its lifecycle."""

    def __init__(self, agents, first_id, seed=19):
        self.agents = list(agents)
        self.next_id = first_id
        self.last = {}
        self.random = random.Random(seed)
        self.lock = threading.Lock()
        self.sent = 0

    def frame(self):
        """One event, framed; counted as sent by the caller once it is written."""
        with self.lock:
            agent = self.random.choice(self.agents)
            previous = self.last.get(agent)
            kind = NEXT[previous]
            if self.random.random() < 0.02:
                kind = "container.lazy_start_failed"
            else:
                self.last[agent] = kind
            self.next_id += 1
            event_id = self.next_id
        ts = int(time.time() * 1000)
        detail = {"trigger": "dispatch"}
        summary = agent
        if kind == "container.lazy_started":
            detail["latency_ms"] = round(self.random.uniform(250, 900), 1)
            summary = "%s woke in %d ms" % (agent, detail["latency_ms"])
        elif kind == "container.lazy_resumed":
            detail["latency_ms"] = round(self.random.uniform(8, 40), 1)
            summary = "%s woke from pause in %d ms" % (agent, detail["latency_ms"])
        elif kind in ("container.lazy_stopped", "container.lazy_paused"):
            detail = {"trigger": "idle", "idle_seconds": 300}
            summary = "%s %s after 300 s idle" % (agent, "stopped" if kind.endswith("stopped") else "paused")
        else:
            detail["error"] = "engine said no"
            summary = "%s failed to start: engine said no" % agent
        data = {"type": kind, "instance": agent, "ts": ts, "summary": summary, "detail": detail}
        return ("id: %d\nevent: %s\ndata: %s\n\n" % (event_id, kind, json.dumps(data, separators=(",", ":")))).encode()


class EventProxy:
    """Listens on 127.0.0.1 and a free port. `rate` events a second while `streaming` is set; 0 before it is."""

    def __init__(self, upstream_port, source, rate=50.0):
        self.upstream_port = upstream_port
        self.source = source
        self.rate = rate
        self.streaming = threading.Event()
        self.stopping = threading.Event()
        self.port = free_port()
        self.server = None
        self.thread = None
        self.connections = 0
        self.lock = threading.Lock()
        # path -> callable(full path) returning (status, JSON body): answered here instead of upstream (a stand-in).
        self.routes = {}

    @property
    def base(self):
        return "http://127.0.0.1:%d" % self.port

    def start(self):
        proxy = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *arguments):
                pass

            def do_GET(self):
                route = proxy.routes.get(self.path.split("?")[0])
                if self.path.split("?")[0] == "/events":
                    self.stream()
                elif route is not None:
                    status, body = route(self.path)
                    payload = json.dumps(body).encode()
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                else:
                    self.forward()

            def do_POST(self):
                self.forward()

            def do_PATCH(self):
                self.forward()

            def do_DELETE(self):
                self.forward()

            def stream(self):
                # Only the newest connection streams: a page that reloads leaves its old one behind until a write
                # fails, and that one must not take events from the count.
                with proxy.lock:
                    proxy.connections += 1
                    generation = proxy.connections
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.send_header("Cache-Control", "no-cache")
                self.send_header("Connection", "close")
                self.end_headers()
                self.close_connection = True
                try:
                    self.wfile.write(b"retry: 3000\n\n")
                    self.wfile.flush()
                    # Paced against the clock, so a slow write does not lower the rate; bounded by `stopping`.
                    started = None
                    sent = 0
                    while not proxy.stopping.is_set() and generation == proxy.connections:
                        if not proxy.streaming.wait(timeout=0.2):
                            continue
                        if started is None:
                            started = time.monotonic()
                        due = int((time.monotonic() - started) * proxy.rate) - sent
                        if due > 0:
                            self.wfile.write(b"".join(proxy.source.frame() for _ in range(due)))
                            self.wfile.flush()
                            sent += due
                            with proxy.lock:
                                proxy.source.sent += due
                        proxy.stopping.wait(timeout=1.0 / proxy.rate / 2)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def forward(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else None
                headers = {key: value for key, value in self.headers.items()
                           if key.lower() in ("authorization", "content-type", "accept", "last-event-id")}
                # The server checks Host (and Origin on a change of state); the proxy speaks for the page.
                connection = http.client.HTTPConnection("127.0.0.1", proxy.upstream_port, timeout=120)
                try:
                    connection.request(self.command, self.path, body=body, headers=headers)
                    response = connection.getresponse()
                    payload = response.read()
                finally:
                    connection.close()
                self.send_response(response.status)
                for key, value in response.getheaders():
                    if key.lower() in ("content-type", "location", "retry-after", "cache-control", "etag"):
                        self.send_header(key, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

        class Threading(socketserver.ThreadingMixIn, http.server.HTTPServer):
            daemon_threads = True
            allow_reuse_address = True

        self.server = Threading(("127.0.0.1", self.port), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        return self

    def stop(self):
        self.stopping.set()
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
