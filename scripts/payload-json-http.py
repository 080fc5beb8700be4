#!/usr/bin/env python3
"""Server CPU per dispatch request for deep and large bodies, over real HTTP.

Starts `dormouse serve` (the binary given, default .build/debug/dormouse) on a free port with a temporary
database, declares an http agent on a container of the test image that it starts without a network (so each task is
stored, answered, then fails fast at delivery: the request path is what is measured), sends each body N times
and reads the server's CPU time (utime + stime from /proc) around each batch. Needs the Docker engine and the
test image (DORMOUSE_TEST_IMAGE, default dormouse-test/busybox:latest). Removes what it created.
"""
import http.client, json, os, socket, statistics, subprocess, sys, tempfile, threading, time

binary = sys.argv[1] if len(sys.argv) > 1 else ".build/debug/dormouse"
image = os.environ.get("DORMOUSE_TEST_IMAGE", "dormouse-test/busybox:latest")
tick = os.sysconf("SC_CLK_TCK")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cpu(pid):
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / tick


def call(port, method, path, body=None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    headers = {"Content-Type": "application/json"} if body is not None else {}
    connection.request(method, path, body=body, headers=headers)
    response = connection.getresponse()
    data = response.read()
    connection.close()
    return response.status, data


def nested(depth):
    return "[" * depth + "1" + "]" * depth


def health_under_load(port, name, seconds=10):
    """The issue's denial of service: /health latency while four clients send deep bodies."""
    stop = time.monotonic() + seconds
    body = '{"payload": ' + nested(500) + "}"

    def client():
        while time.monotonic() < stop:
            call(port, "POST", f"/agents/{name}/tasks", body)
            time.sleep(0.5)

    threads = [threading.Thread(target=client) for _ in range(4)]
    for thread in threads:
        thread.start()
    samples = []
    while time.monotonic() < stop:
        start = time.monotonic()
        call(port, "GET", "/health")
        samples.append((time.monotonic() - start) * 1000)
        time.sleep(0.1)
    for thread in threads:
        thread.join()
    return statistics.median(samples)


def main():
    port = free_port()
    folder = tempfile.mkdtemp(prefix="dormouse-bench-")
    env = dict(os.environ, DORMOUSE_PORT=str(port), DORMOUSE_DB=os.path.join(folder, "d.sqlite"))
    server = subprocess.Popen([binary, "serve"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(300):
            try:
                if call(port, "GET", "/health")[0] == 200:
                    break
            except OSError:
                time.sleep(0.1)
        name = f"bench-json-{os.getpid()}"
        subprocess.run(["docker", "run", "-d", "--network", "none", "--label", "dev.dormouse.enable=true",
                        "--name", name, image, "sleep", "3600"], check=True, stdout=subprocess.DEVNULL)
        agent = {"name": name, "mode": "container", "max_queue": 10000, "container": {"name": name},
                 "dispatch": {"type": "http", "port": 8080, "path": "/"}}
        status, body = call(port, "POST", "/agents", json.dumps(agent))
        assert status == 201, (status, body)
        flat = "{" + ",".join(f'"key{i}":"value {i} with some text to fill it up, 12345678"' for i in range(16000)) + "}"
        cases = [("depth 64", nested(64), 50), ("depth 500", nested(500), 20), ("depth 10,000", nested(10000), 20),
                 (f"flat {len(flat) // 1024} KiB", flat, 10)]
        print(f"{'case':<18} {'status':>6} {'server CPU ms/req':>18}")
        for label, payload, count in cases:
            body = '{"payload": ' + payload + "}"
            call(port, "POST", f"/agents/{name}/tasks", body)
            before = cpu(server.pid)
            statuses = set()
            for _ in range(count):
                statuses.add(call(port, "POST", f"/agents/{name}/tasks", body)[0])
            spent = (cpu(server.pid) - before) / count
            print(f"{label:<18} {','.join(map(str, sorted(statuses))):>6} {spent * 1000:18.1f}")
        print(f"/health p50 while 4 clients send depth-500 bodies at 2/s each: {health_under_load(port, name):.1f} ms")
        call(port, "DELETE", f"/agents/{name}")
    finally:
        subprocess.run(["docker", "rm", "-f", f"bench-json-{os.getpid()}"], stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
        server.terminate()
        server.wait(timeout=60)


main()
