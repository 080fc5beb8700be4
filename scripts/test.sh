#!/usr/bin/env bash
# The whole test suite, integration tests against the real Docker engine included (`make test`).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
scripts/bootstrap.sh
trap 'scripts/stop-dockerd.sh' EXIT
export DORMOUSE_TEST_IMAGE=${DORMOUSE_TEST_IMAGE:-dormouse-test/busybox:latest}
export DORMOUSE_REQUIRE_DOCKER=1
swift build --build-tests
swift test --skip-build "$@"
