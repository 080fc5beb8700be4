"""The engine stopped and started again in the middle of traffic, three times over.

Each cycle (the engine down for 0.5, 4 and 8 s): a task wakes the lazy worker (so its container runs), the engine is stopped (SIGTERM: it stops
the container itself), `/health` must say `degraded` within 1 s; the engine is started again, and the first
task sent after it answers (retried while refused) must wake the worker and succeed, with at most 1 s of the time since the engine came
back being Dormouse's own: the engine's start of the container (the task's `wake_ms`) is the engine's time, and a
freshly restarted dockerd on a loaded machine can take over a second for it (seen on CI: 1154 ms).
At the end no `lazy_start_failed` was audited (nothing was dispatched while the engine was down, so any would
be false) and the worker's starts pair up with its stops once it has idled out, the stop the engine made on
its own included.
"""
import threading
import time

from faultlib import DormouseServer, IMAGE, ScenarioFailure, check, percentile, wait_until

AGENT = "restart-worker"
# How long the engine stays down in each cycle: a quick restart, then long enough for any reconnect backoff to
# have grown to its ceiling (an operator's `systemctl restart docker` with containers to stop takes seconds).
DOWN_SECONDS = [0.5, 4.0, 8.0]
CYCLES = len(DOWN_SECONDS)


def wake(server):
    """Sends one task and waits for it; returns the task when it succeeded, else None."""
    try:
        status, body = server.call("POST", "/agents/%s/tasks?wait=true" % AGENT, {"payload": "ping"}, timeout=15)
    except OSError:
        return None
    return body if status == 200 and body.get("status") == "succeeded" else None


def run(binary, workdir, engine, figures):
    server = DormouseServer(binary, workdir, engine, name="engine-restart")
    server.start()
    server.declare({
        "name": AGENT, "mode": "container", "lifecycle": "lazy", "idle_timeout_s": 2, "start_timeout_s": 2,
        "container": {"image": IMAGE, "command": ["sleep", "3600"]},
        "dispatch": {"type": "exec", "argv": ["echo", "ok"], "timeout_s": 10},
    })
    # Traffic beside the cycles: the health document, polled all along.
    stop_polling = threading.Event()
    health_polls = []

    def poll():
        while not stop_polling.is_set():
            started = time.monotonic()
            server.health()
            health_polls.append(time.monotonic() - started)
            time.sleep(0.02)
    poller = threading.Thread(target=poll, daemon=True)
    poller.start()

    degraded_after, wake_after, engine_start_after, attempts = [], [], [], []
    warm_wakes = []
    try:
        for cycle in range(CYCLES):
            wait_until(lambda: not engine.running_containers(), 30, 0.1, "the worker to idle out (cycle %d)" % cycle)
            task = wait_until(lambda: wake(server), 20, 0.05, "a wake before the engine stops (cycle %d)" % cycle)
            warm_wakes.append(task.get("wake_ms") or 0)
            engine.stop()
            down = time.monotonic()
            wait_until(lambda: (server.health() or {}).get("status") == "degraded", 5, 0.01,
                       "/health to report the engine down (cycle %d)" % cycle)
            degraded_after.append(time.monotonic() - down)
            time.sleep(max(0.0, DOWN_SECONDS[cycle] - (time.monotonic() - down)))  # the outage itself
            up = engine.start()
            tries = 0
            while True:
                tries += 1
                task = wake(server)
                if task:
                    wake_after.append(time.monotonic() - up)
                    engine_start_after.append((task.get("wake_ms") or 0) / 1000)
                    break
                check(time.monotonic() - up < 15, "no successful wake within 15 s of the engine being back")
                time.sleep(0.02)
            attempts.append(tries)
        wait_until(lambda: not engine.running_containers(), 30, 0.1, "the worker to idle out")

        def settled():
            counters = server.counters()
            return counters and all(c["lazy_start"] == c["lazy_stop"] for c in counters.values()) and counters
        try:
            counters = wait_until(settled, 20, 0.1, "starts to pair up with stops")
        except ScenarioFailure as failure:
            raise ScenarioFailure("%s: %s" % (failure, server.counters()))
        failed = server.audit_events(types={"lazy_start_failed"})
        check(not failed, "%d false lazy_start_failed audited: %s" % (len(failed), failed[:3]))
        check(max(degraded_after) <= 1.0, "health degraded only after %s s" % degraded_after)
        own = [total - engine for total, engine in zip(wake_after, engine_start_after)]
        check(max(own) <= 1.0, "first successful wake after the engine came back took %s s, of which the engine's "
              "start %s s: Dormouse's own part %s s" % (wake_after, engine_start_after, own))
    finally:
        stop_polling.set()
        poller.join(5)
        server.stop()
        figures.update({
            "engine_restart.cycles": CYCLES,
            "engine_restart.health_degraded_after_s": [round(x, 3) for x in degraded_after],
            "engine_restart.first_wake_after_engine_back_s": [round(x, 3) for x in wake_after],
            "engine_restart.engine_start_in_that_wake_s": [round(x, 3) for x in engine_start_after],
            "engine_restart.tries_until_first_wake": attempts,
            "engine_restart.warm_wake_ms": warm_wakes,
            "engine_restart.health_p95_ms": round(1000 * (percentile(health_polls, 0.95) or 0), 1),
            "engine_restart.audit": server.counters(),
        })
