#!/usr/bin/env bash
# The fast lane (`make test-unit`): every Swift test that needs neither the Docker engine, nor another
# program, nor a browser. Those carry a tag (.docker, .process, .browser) and `.outsideUnitLane`
# (Tests/TestSupport/TestTags.swift), which skips them when DORMOUSE_TEST_LANE=unit. Starts nothing and
# installs nothing; `make test` stays the whole suite (and is what CI runs).
# Extra arguments go to `swift test` (`scripts/test-unit.sh --filter Harness`).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
swift build --build-tests
DORMOUSE_TEST_LANE=unit swift test --skip-build --experimental-maximum-parallelization-width "${DORMOUSE_TEST_WIDTH:-8}" "$@"
