#!/usr/bin/env bash
# The fault suite (`make test-faults`; `make test` runs it last): kill -9 during a dispatch storm, the engine
# restarted mid-traffic, a bounded schemathesis run against /openapi.json and the browser attack replayed in
# headless Chromium. It starts a private Docker engine of its own (see Tests/faults/faultlib.py) and removes
# it at the end. Installs only what is missing: the Debian packages of scripts/bootstrap.sh, Chromium and
# Selenium (scripts/bootstrap-browser.sh), and schemathesis in a virtualenv kept between runs.
# Usage: scripts/test-faults.sh [scenario ...]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
venv=${DORMOUSE_FAULTS_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/dormouse/faults-venv}
schemathesis_version=4.32.5

log() { printf 'test-faults: %s\n' "$*" >&2; }

if [ -z "${DORMOUSE_FAULTS_BOOTSTRAPPED:-}" ]; then
    scripts/bootstrap.sh --no-image
    trap 'scripts/stop-dockerd.sh' EXIT
    scripts/bootstrap-browser.sh
fi
if ! "$venv/bin/st" --version 2>/dev/null | grep -q "$schemathesis_version"; then
    log "installing schemathesis $schemathesis_version into $venv"
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q "schemathesis==$schemathesis_version"
fi
swift build --product dormouse
export DORMOUSE_FAULTS_VENV=$venv
timeout --kill-after=30 900 python3 Tests/faults/run_faults.py .build/debug/dormouse "$@"
