"""kill -9 during a dispatch storm, four times over, each kill timed on an engine event.

Several clients send tasks to lazy workers in bursts (1 s of tasks, then a pause longer than the idle
timeout), so containers keep waking and idling out. Each cycle, `dormouse serve` is killed with SIGKILL at
the moment the engine reports a transition it is making — a container `start` (a wake under way) or a
`kill` (an idle stop under way) — and started again on the same database. Then: every task that was answered
202 is there, none is left queued or running, the containers that were running are adopted and idled out,
each instance's counters equal its audit rows, and its starts pair up with its stops.
"""
import threading
import time

from faultlib import DormouseServer, EngineEvents, IMAGE, ScenarioFailure, check, wait_until

AGENTS = ["storm-a", "storm-b", "storm-c"]
CYCLES = [{"start"}, {"kill"}, {"start"}, {"kill"}]
CLIENTS = 6
BURST, PERIOD = 1.0, 4.0


def definition(name):
    return {
        "name": name, "mode": "container", "lifecycle": "lazy", "idle_timeout_s": 1, "start_timeout_s": 30,
        "max_concurrency": 2, "max_queue": 10000,
        "container": {"name": "dormouse-" + name, "image": IMAGE, "command": ["sleep", "3600"]},
        "dispatch": {"type": "exec", "argv": ["sh", "-c", "sleep 0.05; echo ok"], "timeout_s": 30},
    }


def storm(server, accepted, stop, errors):
    """Clients sending tasks during the first BURST seconds of every PERIOD, until `stop` or the kill."""
    epoch = time.monotonic()

    def client(index):
        sequence = 0
        while not stop.is_set():
            if (time.monotonic() - epoch) % PERIOD > BURST:
                time.sleep(0.05)
                continue
            agent = AGENTS[(index + sequence) % len(AGENTS)]
            sequence += 1
            try:
                status, body = server.call("POST", "/agents/%s/tasks" % agent, {"payload": {"n": sequence}},
                                           timeout=10)
            except OSError:
                return  # the server is gone: the kill
            if status == 202:
                accepted.append(body["id"])
            elif status not in (429, 503):
                errors.append((status, body))
            time.sleep(0.2)  # about 30 tasks a second in all: a burst drains, then the workers idle out

    threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(CLIENTS)]
    for thread in threads:
        thread.start()
    return threads


def unfinished_tasks(server):
    unfinished = []
    for name in AGENTS:
        for state in ("queued", "running"):
            status, body = server.call("GET", "/agents/%s/tasks?status=%s&limit=500" % (name, state))
            check(status == 200, "listing %s tasks of %s answered %s" % (state, name, status))
            unfinished += [task["id"] for task in body["tasks"]]
    return unfinished


def run(binary, workdir, engine, figures):
    server = DormouseServer(binary, workdir, engine, name="kill-storm")
    server.start()
    for name in AGENTS:
        server.declare(definition(name))
    events = EngineEvents(engine, "dormouse-storm-")
    accepted, errors, restarts, killed_at = [], [], [], []
    try:
        for cycle, actions in enumerate(CYCLES):
            stop = threading.Event()
            threads = storm(server, accepted, stop, errors)
            action, name = events.wait_for(actions, time.monotonic() + 0.5, 30)
            server.kill9()
            killed_at.append("%s %s" % (action, name))
            stop.set()
            for thread in threads:
                thread.join(15)
            restarts.append(server.start())
            unfinished = unfinished_tasks(server)
            check(not unfinished, "cycle %d: %d tasks left queued or running after the restart: %s"
                  % (cycle, len(unfinished), unfinished[:5]))
        check(not errors, "unexpected answers during the storm: %s" % errors[:5])
        check(len(accepted) > 50, "the storm got only %d tasks accepted" % len(accepted))
        missing = []
        for task_id in accepted:
            status, _ = server.call("GET", "/tasks/%s" % task_id)
            if status != 200:
                missing.append((task_id, status))
        check(not missing, "%d of %d accepted tasks are missing after kill -9: %s"
              % (len(missing), len(accepted), missing[:5]))
        # Adopted and idled out: nothing of ours runs on the engine any more.
        wait_until(lambda: not engine.running_containers(), 60, 0.2, "the adopted containers to idle out")

        def settled():
            counters, rows = server.counters(), server.audit_rows()
            pairs = all(c["lazy_start"] == c["lazy_stop"] for c in counters.values())
            same = all(rows.get((instance, kind), 0) == count
                       for instance, c in counters.items() for kind, count in c.items())
            return pairs and same and counters
        try:
            counters = wait_until(settled, 20, 0.2, "counters to equal audit rows and starts to pair stops")
        except ScenarioFailure as failure:
            raise ScenarioFailure("%s: counters=%s rows=%s" % (failure, server.counters(), server.audit_rows()))
        reconciles = [e for e in server.audit_events() if e["detail"].get("trigger") == "reconcile"]
    finally:
        events.close()
        server.stop()
    figures.update({
        "kill_storm.killed_at": killed_at,
        "kill_storm.accepted_tasks": len(accepted),
        "kill_storm.restart_to_health_s": [round(r, 3) for r in restarts],
        "kill_storm.reconcile_rows": len(reconciles),
        "kill_storm.starts": sum(c["lazy_start"] for c in counters.values()),
        "kill_storm.stops": sum(c["lazy_stop"] for c in counters.values()),
    })
