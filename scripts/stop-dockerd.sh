#!/usr/bin/env bash
# Stops the dockerd that scripts/bootstrap.sh started, and nothing else.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
pidfile="$root/.build/dockerd.started"
[ -f "$pidfile" ] || exit 0
pid=$(cat "$pidfile")
rm -f "$pidfile"
if kill -0 "$pid" 2>/dev/null; then
    echo "stop-dockerd: stopping the dockerd bootstrap started (pid $pid)" >&2
    kill -TERM "$pid"
    for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || exit 0; sleep 0.5; done
    kill -KILL "$pid" 2>/dev/null || true
fi
