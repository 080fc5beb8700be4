#!/usr/bin/env bash
# Installs what is missing, builds, and runs `dormouse serve` in the foreground (`make run`).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
scripts/bootstrap.sh --no-image
swift build --product dormouse
exec .build/debug/dormouse serve "$@"
