#!/usr/bin/env bash
# The fast lane (`make test-unit`): every Swift test that needs neither the Docker engine, nor another
# program, nor a browser — the ones tagged `.docker`, `.process` or `.browser` (Tests/TestSupport/TestTags.swift)
# are skipped. Starts nothing and installs nothing; `make test` stays the whole suite (and is what CI runs).
# Extra arguments go to `swift test` (`scripts/test-unit.sh --filter Harness`).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
swift build --build-tests
swift test --skip-build --skip tag:docker --skip tag:process --skip tag:browser "$@"
