"""A bounded schemathesis run against the server's own /openapi.json, without and with an API token.

Checks: no 5xx, every status documented, documented content types and bodies that match their schemas.
Bounded by examples per operation and by time; the seed is fixed so a failure reproduces. Host-mode agents
stay off (the default), so whatever the fuzzer declares runs nowhere but the private engine.
"""
import os
import subprocess
import uuid

from faultlib import DormouseServer, IMAGE, check

VENV = os.environ.get("DORMOUSE_FAULTS_VENV", os.path.expanduser("~/.cache/dormouse/faults-venv"))
CHECKS = "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance"


def fuzz(server, workdir, label, headers):
    report = os.path.join(workdir, "schemathesis-%s.xml" % label)
    command = [os.path.join(VENV, "bin", "st"), "run", server.base + "/openapi.json", "--checks", CHECKS,
               "--max-examples", os.environ.get("DORMOUSE_FAULTS_EXAMPLES", "25"), "--seed", "20261202",
               "--max-time", os.environ.get("DORMOUSE_FAULTS_SCHEMA_SECONDS", "75"), "--workers", "1",
               "--request-timeout", "20", "--phases", "examples,coverage,fuzzing", "--no-color",
               "--report", "junit", "--report-junit-path", report]
    for header in headers:
        command += ["-H", header]
    run = subprocess.run(command, capture_output=True, text=True, timeout=600, cwd=workdir,
                         env=dict(os.environ, SCHEMATHESIS_HOOKS=""))
    log = os.path.join(workdir, "schemathesis-%s.log" % label)
    with open(log, "w") as output:
        output.write(run.stdout + run.stderr)
    summary = [line for line in run.stdout.splitlines() if "passed" in line or "failed" in line][-3:]
    return run.returncode, summary, log


def run(binary, workdir, engine, figures):
    results = {}
    for label, token in (("no-token", None), ("token", "fuzz-" + uuid.uuid4().hex)):
        server = DormouseServer(binary, workdir, engine, name="schema-" + label, token=token)
        server.start()
        try:
            # Something for the item routes to find: a lazy worker on the private engine.
            server.declare({"name": "fuzz-worker", "mode": "container", "idle_timeout_s": 1,
                            "container": {"image": IMAGE, "command": ["sleep", "3600"]},
                            "dispatch": {"type": "exec", "argv": ["echo", "ok"]}})
            headers = ["Authorization: Bearer %s" % token] if token else []
            code, summary, log = fuzz(server, workdir, label, headers)
            results[label] = {"exit": code, "summary": summary, "log": log}
            check(server.process.poll() is None, "the server died during the %s run: see %s" % (label, server.log_path))
        finally:
            server.stop()
    figures["schema_fuzz"] = {label: result["summary"] for label, result in results.items()}
    problems = ["%s: %s (see %s)" % (label, " | ".join(r["summary"]), r["log"]) for label, r in results.items()
                if r["exit"] != 0]
    check(not problems, "schemathesis found problems: %s" % "; ".join(problems))
