"""Shared parts of the fault suite: a private Docker engine the suite may stop and kill, a `dormouse serve`
process it may kill -9, bounded waits, the API client and the SQLite reads.

The suite never touches the engine the rest of the tests use: it starts its own dockerd on a socket, data
root and exec root of its own (with its own containerd), in a network namespace of its own with no bridge
network, and removes all of it at the end, also when a scenario fails.
"""
import http.client
import json
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import tempfile
import threading
import time
import urllib.error
import urllib.request

IMAGE = "dormouse-faults/busybox:latest"


class ScenarioFailure(Exception):
    """A check of a scenario did not hold; the message says which and what was seen."""


def check(condition, message):
    if not condition:
        raise ScenarioFailure(message)


def wait_until(predicate, timeout, interval=0.05, what="condition"):
    """Polls `predicate` until it returns a true value or `timeout` seconds pass (then fails)."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() >= deadline:
            raise ScenarioFailure("timed out after %.1f s waiting for %s" % (timeout, what))
        time.sleep(interval)


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class UnixHTTPConnection(http.client.HTTPConnection):
    def __init__(self, path, timeout=5):
        super().__init__("localhost", timeout=timeout)
        self.socket_path = path

    def connect(self):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(self.timeout)
        self.sock.connect(self.socket_path)


class PrivateEngine:
    """A dockerd of the suite's own: started, stopped (SIGTERM, as an engine restart does), killed, removed."""

    def __init__(self, workdir):
        self.root = os.path.join(workdir, "engine")
        self.data_root = "/var/lib/dormouse-faults-%d" % os.getpid()
        self.exec_root = "/run/dormouse-faults-%d" % os.getpid()
        self.socket = os.path.join(self.exec_root, "docker.sock")
        self.log_path = os.path.join(workdir, "dockerd.log")
        self.process = None
        os.makedirs(self.root, exist_ok=True)

    @property
    def docker_host(self):
        return "unix://" + self.socket

    def ping(self, timeout=1):
        try:
            connection = UnixHTTPConnection(self.socket, timeout=timeout)
            connection.request("GET", "/_ping")
            ok = connection.getresponse().status == 200
            connection.close()
            return ok
        except OSError:
            return False

    def request(self, method, path, body=None, timeout=30):
        connection = UnixHTTPConnection(self.socket, timeout=timeout)
        headers = {"Content-Type": "application/json"} if body is not None else {}
        connection.request(method, path, body=json.dumps(body) if body is not None else None, headers=headers)
        response = connection.getresponse()
        data = response.read()
        connection.close()
        return response.status, (json.loads(data) if data else None)

    def start(self):
        """Starts dockerd and returns the monotonic time its API first answered."""
        os.makedirs(self.exec_root, exist_ok=True)
        log = open(self.log_path, "ab")
        # In a network namespace of its own: a dockerd without a bridge (`--bridge=none`) deletes any interface
        # named docker0 it can see at start, and the host's belongs to the engine the other tests use.
        self.process = subprocess.Popen(
            ["unshare", "--net", "dockerd", "--host", self.docker_host, "--data-root", self.data_root, "--exec-root", self.exec_root,
             "--pidfile", os.path.join(self.exec_root, "dockerd.pid"), "--iptables=false", "--bridge=none",
             "--containerd-namespace", "dormouse-faults", "--containerd-plugins-namespace",
             "dormouse-faults-plugins", "--cgroup-parent", "dormouse-faults"],
            stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        log.close()
        wait_until(lambda: self.process.poll() is not None or self.ping(), 90, 0.02, "the private dockerd")
        check(self.process.poll() is None, "the private dockerd exited: see %s" % self.log_path)
        return time.monotonic()

    def stop(self, timeout=60):
        """SIGTERM, as `systemctl stop docker` does: the engine stops its containers, then exits."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(10)

    def load_image(self):
        """Imports the suite's busybox image (busybox-static, as scripts/bootstrap.sh builds the test image)."""
        status, _ = self.request("GET", "/images/%s/json" % IMAGE)
        if status == 200:
            return
        rootfs = tempfile.mkdtemp(prefix="dormouse-faults-rootfs-")
        try:
            for folder in ("bin", "tmp", "etc"):
                os.makedirs(os.path.join(rootfs, folder))
            shutil.copy("/bin/busybox", os.path.join(rootfs, "bin/busybox"))
            applets = subprocess.run(["/bin/busybox", "--list"], capture_output=True, text=True, check=True)
            for applet in applets.stdout.split():
                if applet != "busybox":
                    os.symlink("busybox", os.path.join(rootfs, "bin", applet))
            with open(os.path.join(rootfs, "etc/passwd"), "w") as passwd:
                passwd.write("root:x:0:0:root:/:/bin/sh\n")
            tar = subprocess.Popen(["tar", "-C", rootfs, "-c", "."], stdout=subprocess.PIPE)
            subprocess.run(["docker", "-H", self.docker_host, "import", "--change", 'CMD ["/bin/sh"]', "-", IMAGE],
                           stdin=tar.stdout, check=True, capture_output=True, timeout=120)
            tar.wait(60)
        finally:
            shutil.rmtree(rootfs, ignore_errors=True)

    def running_containers(self, label="dev.dormouse.managed"):
        status, containers = self.request("GET", "/containers/json")
        check(status == 200, "engine list answered %s" % status)
        return [c for c in containers if any(name.startswith("/dormouse-") for name in c.get("Names", []))]

    def remove_containers(self):
        """Removes every container of this engine (they are all the suite's), so scenarios start clean."""
        if not self.ping():
            return
        try:
            _, containers = self.request("GET", "/containers/json?all=true", timeout=10)
            for container in containers or []:
                self.request("DELETE", "/containers/%s?force=true" % container["Id"], timeout=30)
        except OSError:
            pass

    def remove_everything(self):
        """Kills the engine (its containers go with it) and removes its folders."""
        if self.process is not None and self.process.poll() is None:
            self.remove_containers()
            self.stop(timeout=30)
        subprocess.run(["umount", "-R", self.exec_root], capture_output=True)
        shutil.rmtree(self.exec_root, ignore_errors=True)
        subprocess.run(["sh", "-c", "umount $(grep ' %s' /proc/mounts | cut -d' ' -f2 | sort -r) 2>/dev/null"
                        % self.data_root], capture_output=True)
        shutil.rmtree(self.data_root, ignore_errors=True)


class EngineEvents:
    """Follows the engine's container events on a thread of its own; `wait_for` returns at the first matching
    event after a given moment, so a scenario can act at the exact point of a transition."""

    def __init__(self, engine, prefix):
        self.events = []
        self.condition = threading.Condition()
        self.prefix = prefix
        self.connection = UnixHTTPConnection(engine.socket, timeout=None)
        self.connection.request("GET", '/events?filters={"type":["container"]}')
        self.response = self.connection.getresponse()
        self.thread = threading.Thread(target=self._follow, daemon=True)
        self.thread.start()

    def _follow(self):
        try:
            for line in self.response:
                event = json.loads(line)
                name = event.get("Actor", {}).get("Attributes", {}).get("name", "")
                if name.startswith(self.prefix):
                    with self.condition:
                        self.events.append((time.monotonic(), event.get("Action", ""), name))
                        self.condition.notify_all()
        except Exception:  # the stream ends when the engine stops or `close` shuts the socket
            pass

    def wait_for(self, actions, after, timeout):
        deadline = time.monotonic() + timeout
        with self.condition:
            while True:
                for moment, action, name in self.events:
                    if moment >= after and action in actions:
                        return action, name
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise ScenarioFailure("no engine event %s within %.0f s" % (sorted(actions), timeout))
                self.condition.wait(remaining)

    def close(self):
        try:
            self.connection.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.connection.close()


class DormouseServer:
    """`dormouse serve` as its own process, on a free loopback port and a database file of its own."""

    def __init__(self, binary, workdir, engine, name="server", token=None, extra_env=None):
        self.binary = binary
        self.port = free_port()
        self.base = "http://127.0.0.1:%d" % self.port
        self.database = os.path.join(workdir, name + ".sqlite")
        self.log_path = os.path.join(workdir, name + ".log")
        self.token = token
        self.environment = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": os.environ.get("HOME", "/root"),
            "DOCKER_HOST": engine.docker_host, "DORMOUSE_DB": self.database, "LOG_LEVEL": "info",
        }
        if token:
            self.environment["DORMOUSE_API_TOKEN"] = token
        self.environment.update(extra_env or {})
        self.process = None

    def start(self, timeout=60):
        log = open(self.log_path, "ab")
        self.process = subprocess.Popen([self.binary, "serve", "--port", str(self.port)], env=self.environment,
                                        stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        log.close()
        started = time.monotonic()
        wait_until(lambda: self.process.poll() is not None or self.health() is not None, timeout, 0.02,
                   "dormouse serve to answer /health")
        check(self.process.poll() is None, "dormouse serve exited with %s: see %s" % (self.process.returncode,
                                                                                   self.log_path))
        return time.monotonic() - started

    def kill9(self):
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(30)

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)

    def health(self):
        try:
            with urllib.request.urlopen(self.base + "/health", timeout=2) as response:
                return json.loads(response.read())
        except (OSError, ValueError):
            return None

    def call(self, method, path, body=None, timeout=60, headers=None):
        """Returns (status, parsed JSON or None); never raises on an HTTP error status."""
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.base + path, method=method, data=data)
        if data is not None:
            request.add_header("Content-Type", "application/json")
        if self.token:
            request.add_header("Authorization", "Bearer " + self.token)
        for key, value in (headers or {}).items():
            request.add_header(key, value)
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                raw = response.read()
                return response.status, (json.loads(raw) if raw else None)
        except urllib.error.HTTPError as error:
            raw = error.read()
            try:
                return error.code, json.loads(raw) if raw else None
            except ValueError:
                return error.code, raw.decode(errors="replace")

    def declare(self, definition):
        status, body = self.call("POST", "/agents", definition)
        check(status == 201, "declaring %s answered %s: %s" % (definition["name"], status, body))
        return body

    def audit_rows(self):
        """Audit rows per (instance, type), read from the database file."""
        with sqlite3.connect("file:%s?mode=ro" % self.database, uri=True, timeout=10) as db:
            rows = db.execute("SELECT instance, type, COUNT(*) FROM lifecycle_events GROUP BY instance, type")
            return {(instance, kind): count for instance, kind, count in rows}

    def audit_events(self, types=None):
        with sqlite3.connect("file:%s?mode=ro" % self.database, uri=True, timeout=10) as db:
            rows = db.execute("SELECT id, instance, type, ts, detail_json FROM lifecycle_events ORDER BY id")
            return [dict(id=i, instance=n, type=t, ts=ts, detail=json.loads(d)) for i, n, t, ts, d in rows
                    if types is None or t in types]

    def counters(self):
        with sqlite3.connect("file:%s?mode=ro" % self.database, uri=True, timeout=10) as db:
            rows = db.execute("SELECT instance, lazy_start, lazy_start_failed, lazy_stop, lazy_stop_failed "
                              "FROM instance_metrics")
            return {row[0]: dict(zip(("lazy_start", "lazy_start_failed", "lazy_stop", "lazy_stop_failed"),
                                     row[1:])) for row in rows}


def percentile(values, fraction):
    ordered = sorted(values)
    if not ordered:
        return None
    index = min(len(ordered) - 1, max(0, int(round(fraction * (len(ordered) - 1)))))
    return ordered[index]
