#!/usr/bin/env python3
"""The fault suite (`make test-faults`): kill -9 during a dispatch storm, the engine restarted mid-traffic,
a bounded schemathesis run against /openapi.json, and the browser attack replayed in headless Chromium.

Usage: run_faults.py path/to/dormouse [scenario ...]   (default: all, in that order)
Everything runs against a private Docker engine that the suite starts and removes (see faultlib.py); the
figures go to stdout and to .build/faults/report.json. The last line is "N passed, N failed".
"""
import json
import os
import shutil
import sys
import tempfile
import time
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import browser_attack  # noqa: E402
import engine_restart  # noqa: E402
import kill_storm  # noqa: E402
import schema_fuzz  # noqa: E402
from faultlib import PrivateEngine  # noqa: E402

SCENARIOS = {
    "kill_storm": kill_storm.run,
    "engine_restart": engine_restart.run,
    "schema_fuzz": schema_fuzz.run,
    "browser_attack": browser_attack.run,
}


def main(binary, names):
    binary = os.path.abspath(binary)
    names = names or list(SCENARIOS)
    unknown = [name for name in names if name not in SCENARIOS]
    if unknown:
        raise SystemExit("unknown scenario(s): %s; known: %s" % (unknown, list(SCENARIOS)))
    workdir = tempfile.mkdtemp(prefix="dormouse-faults-")
    engine = PrivateEngine(workdir)
    figures, results = {}, []
    try:
        engine.start()
        engine.load_image()
        for name in names:
            started = time.monotonic()
            print("faults: %s ..." % name, flush=True)
            try:
                SCENARIOS[name](binary, workdir, engine, figures)
                results.append((name, True, None))
            except Exception as error:  # a failed check or an unexpected error: report it, go on with the rest
                traceback.print_exc()
                results.append((name, False, str(error)))
            finally:
                if not engine.ping():  # a scenario that failed mid-restart leaves the engine down
                    engine.start()
                engine.remove_containers()
            print("faults: %s %s in %.1f s" % (name, "passed" if results[-1][1] else "FAILED",
                                               time.monotonic() - started), flush=True)
    finally:
        engine.remove_everything()
    report = {"results": [{"scenario": n, "passed": ok, "error": e} for n, ok, e in results], "figures": figures}
    os.makedirs(".build/faults", exist_ok=True)
    with open(".build/faults/report.json", "w") as output:
        json.dump(report, output, indent=2, sort_keys=True)
    for key in sorted(figures):
        print("  %s = %s" % (key, json.dumps(figures[key], sort_keys=True)))
    failed = [(n, e) for n, ok, e in results if not ok]
    for name, error in failed:
        print("FAILED %s: %s" % (name, error))
        print("  logs kept in %s" % workdir)
    if not failed:
        shutil.rmtree(workdir, ignore_errors=True)
    print("faults: %d passed, %d failed" % (len(results) - len(failed), len(failed)))
    return 1 if failed else 0


if __name__ == "__main__":
    if len(sys.argv) < 2:
        raise SystemExit(__doc__)
    sys.exit(main(sys.argv[1], sys.argv[2:]))
