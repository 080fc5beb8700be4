#!/usr/bin/env bash
# Benchmarks (`make bench`), release build, against the real Docker engine. Figures go in BENCHMARKS.md.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
scripts/bootstrap.sh
# Podman beside dockerd (the engine comparison) and a real Synapse (the Matrix relay run) stop with the engine.
trap 'scripts/synapse.sh down || true; scripts/podman.sh down || true; scripts/stop-dockerd.sh' EXIT
scripts/podman.sh
scripts/synapse.sh up
# The benchmark targets exist only with this set (Package.swift), so the test build never compiles them.
export DORMOUSE_BENCHMARKS=1
swift build -c release --product WakeBenchmark
swift build -c release --product WatcherBenchmark
swift build -c release --product RegistryBenchmark
swift build -c release --product APIBenchmark
swift build -c release --product ChatBenchmark
swift build -c release --product ScaleBenchmark
swift build -c release --product dormouse
echo "== wake benchmark ($(date -u +%FT%TZ), $(nproc) cores)"
.build/release/WakeBenchmark
echo "== dockerd vs Podman wake ($(date -u +%FT%TZ), $(nproc) cores)"
WAKE_ONLY=engines .build/release/WakeBenchmark
echo "== watcher benchmark ($(date -u +%FT%TZ), $(nproc) cores)"
.build/release/WatcherBenchmark Tests/WatcherTests/Fixtures
echo "== registry benchmark ($(date -u +%FT%TZ), $(nproc) cores)"
.build/release/RegistryBenchmark
echo "== api benchmark ($(date -u +%FT%TZ), $(nproc) cores)"
.build/release/APIBenchmark .build/release/dormouse
echo "== dashboard: 500 agents, 7 days, 50 events/s ($(date -u +%FT%TZ), $(nproc) cores)"
scripts/bootstrap-browser.sh
python3 Tests/browser/dashboard_perf_test.py .build/release/dormouse
echo "== chat relay benchmark ($(date -u +%FT%TZ), $(nproc) cores)"
.build/release/ChatBenchmark .build/release/dormouse
echo "== chat relay against a real Synapse: default limits, then the bot's limit lifted ($(date -u +%FT%TZ))"
.build/release/ChatBenchmark --matrix .build/synapse/synapse.env
.build/release/ChatBenchmark --matrix .build/synapse/synapse.env --unlimited --sessions 20 --interval-ms 250
echo "== scale simulation ($(date -u +%FT%TZ), $(nproc) cores)"
.build/release/ScaleBenchmark
