#!/usr/bin/env bash
# A Podman engine beside dockerd, for the lifecycle suite's Podman run and the wake benchmark; only what is missing:
#   - Debian packages podman and catatonit (Podman's `--init` / `HostConfig.Init` fails without catatonit)
#   - a containers.conf with `default_ulimits` (.build/podman/containers.conf): Podman's defaults raise nofile and
#     nproc above what runc may set on these machines and every container fails to start with "error setting
#     rlimit type 7 (then 6): operation not permitted"
#   - root Podman's Docker-compatible API, `podman system service --time=0`, on $PODMAN_SOCKET (started in the
#     background when nothing answers there; its log is .build/podman/service.log, its pid .build/podman/service.pid)
#   - the test image dormouse-test/busybox:latest, copied from dockerd (`docker save | podman load`; run
#     scripts/bootstrap.sh first) and tagged localhost/dormouse-test/busybox:latest, where Podman looks for a name
#     without a registry (the compat API's "no such image" then names docker.io/..., the last place it looked)
# Podman runs as root with cgroupfs; this machine has cgroup v1 (`podman info`: cgroupVersion v1), on which
# rootless Podman could not pause (root Podman can).
# Usage: scripts/podman.sh [up|down]   (`down` stops only the service this script started, by its pid file)
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
socket=${PODMAN_SOCKET:-/run/dormouse-podman/podman.sock}
test_image=${DORMOUSE_TEST_IMAGE:-dormouse-test/busybox:latest}
state_dir="$root/.build/podman"
conf="$state_dir/containers.conf"
pid_file="$state_dir/service.pid"
mkdir -p "$state_dir"

log() { printf 'podman: %s\n' "$*" >&2; }

. "$root/scripts/lib/packages.sh"

service_answers() {
    curl -sf --max-time 2 --unix-socket "$socket" http://localhost/_ping >/dev/null 2>&1
}

write_conf() {
    # runc could set nofile up to the hard limit here, and nproc only up to 20000 of the 96363 allowed (measured): a
    # fixed 4096 processes per container is plenty for agent workers.
    local nofile
    nofile=$(ulimit -Hn)
    [ "$nofile" = unlimited ] && nofile=1048576
    printf '[containers]\ndefault_ulimits = ["nofile=%s:%s", "nproc=4096:4096"]\n' "$nofile" "$nofile" >"$conf.new"
    mv "$conf.new" "$conf"
}

start_service() {
    service_answers && return 0
    log "no Podman service answers on $socket: starting one"
    sudo_cmd mkdir -p "$(dirname "$socket")"
    sudo_cmd rm -f "$socket"
    sudo_cmd env CONTAINERS_CONF="$conf" setsid sh -c \
        "nohup podman system service --time=0 unix://$socket >'$state_dir/service.log' 2>&1 </dev/null & echo \$! >'$pid_file'"
    for _ in $(seq 1 60); do
        service_answers && { log "Podman is up (pid $(cat "$pid_file"))"; return 0; }
        sleep 0.5
    done
    log "Podman did not answer within 30 s; its log:"
    tail -n 40 "$state_dir/service.log" >&2 || true
    exit 1
}

load_test_image() {
    local local_name="localhost/$test_image" id
    podman image exists "$local_name" && return 0
    id=$(docker image inspect --format '{{.Id}}' "$test_image" 2>/dev/null) \
        || { log "$test_image is not in dockerd: run scripts/bootstrap.sh"; exit 1; }
    log "loading $test_image into Podman"
    # `podman load` names what it loads as it pleases (docker.io/... or localhost/...): tag the image by its id.
    docker save "$test_image" | podman load -q >/dev/null
    podman tag "${id#sha256:}" "$local_name"
}

stop_service() {
    [ -f "$pid_file" ] || { log "no service started by this script"; return 0; }
    local pid
    pid=$(cat "$pid_file")
    if kill -0 "$pid" 2>/dev/null; then
        log "stopping the Podman service (pid $pid)"
        kill "$pid"
        for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
    fi
    rm -f "$pid_file"
}

case "${1:-up}" in
    up)
        install_missing podman catatonit curl
        write_conf
        start_service
        load_test_image
        log "ready: Podman $(podman version --format '{{.Server.Version}}' 2>/dev/null || echo '?') on unix://$socket, test image $test_image"
        ;;
    down) stop_service ;;
    *) log "usage: $0 [up|down]"; exit 2 ;;
esac
