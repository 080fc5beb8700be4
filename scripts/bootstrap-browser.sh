#!/usr/bin/env bash
# Installs what the dashboard's browser test needs, only what is missing: Debian's chromium and
# chromium-driver, and Selenium from PyPI. Run by scripts/test.sh.
set -euo pipefail

log() { printf 'bootstrap-browser: %s\n' "$*" >&2; }
sudo_cmd() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

missing=()
for pkg in chromium chromium-driver; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
    log "installing ${missing[*]}"
    sudo_cmd apt-get update -qq
    sudo_cmd env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
if ! python3 -c 'import selenium' 2>/dev/null; then
    log "installing selenium"
    python3 -m pip install -q selenium
fi
