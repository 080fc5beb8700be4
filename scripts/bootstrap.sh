#!/usr/bin/env bash
# Installs and starts everything Dormouse needs on a Debian machine, only what is missing:
#   - Debian packages: libsqlite3-dev, libcurl4-openssl-dev, docker.io, busybox-static (and curl)
#   - a Docker engine answering on $DOCKER_SOCKET (dockerd is started in the background when none answers;
#     its pid is written to .build/dockerd.started so scripts/stop-dockerd.sh can stop only what we started)
#   - the test image dormouse-test/busybox:latest, made from busybox-static with `docker import`
#   - a single-node Docker Swarm on that engine (`docker swarm init --advertise-addr 127.0.0.1`) when it is in no
#     swarm yet, for the Swarm tests; an engine already in a swarm is left as it is (never `swarm leave`)
#   (with --no-image, neither the test image nor the swarm: only what `make run` needs)
# Usage: scripts/bootstrap.sh [--no-image]
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
socket=${DOCKER_SOCKET:-/var/run/docker.sock}
test_image=${DORMOUSE_TEST_IMAGE:-dormouse-test/busybox:latest}
state_dir="$root/.build"
mkdir -p "$state_dir"

log() { printf 'bootstrap: %s\n' "$*" >&2; }

. "$root/scripts/lib/packages.sh"

install_packages() {
    install_missing libsqlite3-dev libcurl4-openssl-dev docker.io busybox-static curl
}

engine_answers() {
    curl -sf --max-time 2 --unix-socket "$socket" http://localhost/_ping >/dev/null 2>&1
}

start_engine() {
    engine_answers && return 0
    command -v dockerd >/dev/null || { log "dockerd not found"; exit 1; }
    log "no engine answers on $socket: starting dockerd"
    # dockerd from Debian's docker.io; containers here need no network, so skip iptables (not always
    # available in sandboxes) and keep the default bridge off the host firewall.
    sudo_cmd sh -c "nohup dockerd --host=unix://$socket --iptables=false >'$state_dir/dockerd.log' 2>&1 & echo \$! >'$state_dir/dockerd.started'"
    for _ in $(seq 1 120); do
        engine_answers && { log "dockerd is up (pid $(cat "$state_dir/dockerd.started"))"; return 0; }
        sleep 0.5
    done
    log "dockerd did not answer within 60 s; its log:"
    tail -n 40 "$state_dir/dockerd.log" >&2 || true
    exit 1
}

build_test_image() {
    docker image inspect "$test_image" >/dev/null 2>&1 && return 0
    log "building $test_image from busybox-static"
    local rootfs
    rootfs=$(mktemp -d)
    mkdir -p "$rootfs/bin" "$rootfs/tmp" "$rootfs/etc"
    cp /bin/busybox "$rootfs/bin/busybox"
    for applet in $("$rootfs/bin/busybox" --list); do
        [ "$applet" = busybox ] || ln -sf busybox "$rootfs/bin/$applet"
    done
    echo 'root:x:0:0:root:/:/bin/sh' >"$rootfs/etc/passwd"
    tar -C "$rootfs" -c . | docker import --change 'CMD ["/bin/sh"]' - "$test_image" >/dev/null
    rm -rf "$rootfs"
}

init_swarm() {
    local state
    state=$(docker info --format '{{.Swarm.LocalNodeState}}' 2>/dev/null || echo unknown)
    case "$state" in
        active)
            [ "$(docker info --format '{{.Swarm.ControlAvailable}}')" = true ] \
                || log "the engine is a swarm worker: the Swarm tests need a manager and will fail"
            ;;
        inactive)
            log "making the engine a single-node swarm"
            docker swarm init --advertise-addr 127.0.0.1 >/dev/null
            ;;
        *) log "the engine's swarm state is $state: the Swarm tests need an active manager" ;;
    esac
}

install_packages
start_engine
# `make run` (--no-image) needs only the engine: it neither builds the test image nor turns the engine into a swarm.
if [ "${1:-}" != "--no-image" ]; then
    build_test_image
    init_swarm
fi
log "ready: engine on $socket, test image $test_image, swarm $(docker info --format '{{.Swarm.LocalNodeState}}')"
