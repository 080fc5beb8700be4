#!/usr/bin/env bash
# Installs what the dashboard's browser test needs, only what is missing: Debian's chromium and
# chromium-driver, and Selenium from PyPI. Run by scripts/test.sh.
set -euo pipefail

log() { printf 'bootstrap-browser: %s\n' "$*" >&2; }
. "$(cd "$(dirname "$0")" && pwd)/lib/packages.sh"

install_missing chromium chromium-driver
if ! python3 -c 'import selenium' 2>/dev/null; then
    log "installing selenium"
    python3 -m pip install -q selenium
fi
