#!/usr/bin/env bash
# A real multi-node Docker cluster on this one machine, for the tests (issue 15):
#   - a Linux bridge dmbr0 (10.231.0.1/24) and three network namespaces dm-n1, dm-n2, dm-n3 joined to it by veths
#     (10.231.0.2, .3, .4): the project's own test hosts, nothing outside them is used
#   - one dockerd per namespace, entered with `nsenter --net` (never `ip netns exec`: it remounts /sys and dockerd
#     then finds no devices cgroup), its data, exec root, pid file and unix socket under .build/cluster/<node>/,
#     and a TCP listener with TLS on the node's address (a plain tcp:// listener stalls dockerd 20.10 for ~15 s)
#   - n1 is a swarm manager, n2 a swarm worker, n3 a plain engine to be driven as a named engine over TCP+TLS
#   - the test image loaded on every node (`docker save | docker load`: there is no registry)
#   - .build/cluster/cluster.env (shell-sourceable) for the tests: sockets, tcp URLs, IPs, cert paths, node ids
# TLS files: a CA, a server certificate per node (its IP as SAN) and one client certificate, in the
# DOCKER_CERT_PATH layout (ca.pem cert.pem key.pem) under .build/cluster/certs/, copied for Dormouse's
# DORMOUSE_ENGINE_CERTS/<name>/{ca,cert,key}.pem under .build/cluster/engine-certs/<node>/.
# `down` tears everything down from any partial state: swarm leave, the dockerds (by their pid files), leftover
# mounts under the data roots, the namespaces and links. `up` runs `down` first and again when it fails.
# Needs root. Installs what is missing (iproute2, openssl, util-linux for nsenter, docker.io, curl) with apt.
# Usage: scripts/cluster.sh up|down|status|report
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
dir="$root/.build/cluster"
env_file="$dir/cluster.env"
test_image=${DORMOUSE_TEST_IMAGE:-dormouse-test/busybox:latest}
bridge=dmbr0
net=10.231.0
nodes=(n1 n2 n3)
tls_port=2376
# Swarm's overlay subnets come from our own range too (its default pool is all of 10.0.0.0/8).
swarm_pool=10.231.128.0/17

log() { printf 'cluster: %s\n' "$*" >&2; }
fail() { log "FAIL: $*"; exit 1; }

node_ip() { case $1 in n1) echo "$net.2" ;; n2) echo "$net.3" ;; n3) echo "$net.4" ;; esac; }
netns() { echo "dm-$1"; }
veth() { echo "dmv-$1"; }
node_dir() { echo "$dir/$1"; }
socket() { echo "$dir/$1/docker.sock"; }
dockr() { local node=$1; shift; docker -H "unix://$(socket "$node")" "$@"; }

# Runs `check` until it succeeds, at most `tries` times half a second apart; fails with `what` otherwise.
wait_for() {
    local what=$1 tries=$2
    shift 2
    for _ in $(seq 1 "$tries"); do
        "$@" >/dev/null 2>&1 && return 0
        sleep 0.5
    done
    fail "$what: not within $((tries / 2)) s"
}

. "$root/scripts/lib/packages.sh"

install_packages() {
    install_missing iproute2 openssl util-linux docker.io curl socat
}

# ---- down ----

engine_answers() { curl -sf --max-time 2 --unix-socket "$(socket "$1")" http://localhost/_ping; }

# Kills the process in `pidfile` if it is still the program it names (pids are reused), waiting up to 20 s for
# a TERM before a KILL.
kill_pidfile() {
    local pidfile=$1 program=$2 pid
    [ -f "$pidfile" ] || return 0
    pid=$(cat "$pidfile" 2>/dev/null || true)
    [ -n "$pid" ] && [ -d "/proc/$pid" ] || return 0
    tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q "$program" || return 0
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 40); do
        [ -d "/proc/$pid" ] || return 0
        sleep 0.5
    done
    log "$program (pid $pid) ignored TERM for 20 s: killing it"
    kill -KILL "$pid" 2>/dev/null || true
}

# What a killed dockerd can leave behind: its containerd and container shims, whose command lines name our exec
# root (a path no other process uses). Killed by pid.
kill_leftovers() {
    local exec_root=$1 proc command
    # Read in this shell: a grep over /proc would find its own command line.
    for proc in /proc/[0-9]*; do
        command=$({ tr '\0' ' ' <"$proc/cmdline"; } 2>/dev/null) || continue
        case "$command" in
        *"$exec_root/"*)
            log "killing leftover pid ${proc#/proc/} (${command:0:80})"
            kill -KILL "${proc#/proc/}" 2>/dev/null || true
            ;;
        esac
    done
}

unmount_under() {
    local path=$1 mount
    # Deepest first; mountinfo's fifth field is the mount point.
    for mount in $(awk -v p="$path/" 'index($5, p) == 1 { print $5 }' /proc/self/mountinfo | sort -r); do
        umount -l "$mount" 2>/dev/null || log "could not unmount $mount"
    done
}

stop_node() {
    local node=$1 d started=$SECONDS
    d=$(node_dir "$node")
    kill_pidfile "$d/docker.pid" dockerd
    kill_pidfile "$d/exec/containerd/containerd.pid" containerd
    kill_leftovers "$d/exec"
    unmount_under "$d"
    log "$node stopped in $((SECONDS - started)) s"
}

down() {
    local node
    # Workers leave before the manager, so the manager does not wait for them; then the engines stop together
    # (each takes seconds).
    for node in n3 n2 n1; do
        engine_answers "$node" >/dev/null 2>&1 || continue
        timeout 30 docker -H "unix://$(socket "$node")" swarm leave -f >/dev/null 2>&1 || true
    done
    for node in "${nodes[@]}"; do
        [ -d "$(node_dir "$node")" ] && stop_node "$node" &
    done
    wait
    for node in "${nodes[@]}"; do
        ip netns del "$(netns "$node")" 2>/dev/null || true
        ip link del "$(veth "$node")" 2>/dev/null || true
        rm -rf "$(node_dir "$node")"
    done
    ip link del "$bridge" 2>/dev/null || true
    rm -f "$env_file"
    log "down"
}

# ---- up ----

check_range_free() {
    local used
    used=$(ip -4 -o addr show | awk -v b="$bridge" '$2 != b { print $4 }' | grep "^${net%.*}\." || true)
    [ -z "$used" ] || fail "${net%.*}.0.0/16 is already in use here ($used): edit net= in $0"
    used=$(ip -4 route show | grep -v " dev $bridge " | grep "^${net%.*}\." || true)
    [ -z "$used" ] || fail "a route into ${net%.*}.0.0/16 exists ($used): edit net= in $0"
}

make_network() {
    ip link add "$bridge" type bridge
    ip addr add "$net.1/24" dev "$bridge"
    ip link set "$bridge" up
    local node ns
    for node in "${nodes[@]}"; do
        ns=$(netns "$node")
        ip netns add "$ns"
        ip link add "$(veth "$node")" type veth peer name eth0 netns "$ns"
        ip link set "$(veth "$node")" master "$bridge" up
        ip -n "$ns" addr add "$(node_ip "$node")/24" dev eth0
        ip -n "$ns" link set eth0 up
        ip -n "$ns" link set lo up
    done
    log "bridge $bridge $net.1/24, namespaces $(for n in "${nodes[@]}"; do printf '%s ' "$(netns "$n")"; done)"
}

# A CA, a server certificate per node with its IP as SAN, one client certificate; RSA so every TLS stack takes it.
make_certs() {
    local certs="$dir/certs" tls="$dir/tls" node ip
    mkdir -p "$certs" "$tls"
    openssl req -x509 -newkey rsa:2048 -nodes -days 7 -subj "/CN=dormouse-cluster-ca" \
        -keyout "$tls/ca-key.pem" -out "$certs/ca.pem" 2>/dev/null
    for node in "${nodes[@]}"; do
        ip=$(node_ip "$node")
        openssl req -newkey rsa:2048 -nodes -subj "/CN=$node" -keyout "$tls/$node-key.pem" -out "$tls/$node.csr" \
            2>/dev/null
        printf 'subjectAltName=IP:%s,IP:127.0.0.1,DNS:%s\nextendedKeyUsage=serverAuth\n' "$ip" "$node" \
            >"$tls/$node.ext"
        openssl x509 -req -in "$tls/$node.csr" -CA "$certs/ca.pem" -CAkey "$tls/ca-key.pem" -CAcreateserial \
            -days 7 -extfile "$tls/$node.ext" -out "$tls/$node-cert.pem" 2>/dev/null
    done
    openssl req -newkey rsa:2048 -nodes -subj "/CN=dormouse-client" -keyout "$certs/key.pem" -out "$tls/client.csr" \
        2>/dev/null
    printf 'extendedKeyUsage=clientAuth\n' >"$tls/client.ext"
    openssl x509 -req -in "$tls/client.csr" -CA "$certs/ca.pem" -CAkey "$tls/ca-key.pem" -CAcreateserial -days 7 \
        -extfile "$tls/client.ext" -out "$certs/cert.pem" 2>/dev/null
    for node in "${nodes[@]}"; do
        mkdir -p "$dir/engine-certs/$node"
        cp "$certs/ca.pem" "$certs/cert.pem" "$certs/key.pem" "$dir/engine-certs/$node/"
    done
    chmod 600 "$certs/key.pem" "$tls"/*-key.pem "$dir"/engine-certs/*/key.pem
    log "certificates in $certs (DOCKER_CERT_PATH layout) and $dir/engine-certs/<node>/"
}

start_dockerd() {
    local node=$1 d ip
    d=$(node_dir "$node")
    ip=$(node_ip "$node")
    mkdir -p "$d/data" "$d/exec"
    # Its own (empty) config file: the host's /etc/docker/daemon.json is the main engine's.
    echo '{}' >"$d/daemon.json"
    setsid nohup nsenter --net="/var/run/netns/$(netns "$node")" dockerd --config-file "$d/daemon.json" \
        --data-root "$d/data" --exec-root "$d/exec" --pidfile "$d/docker.pid" \
        -H "unix://$(socket "$node")" -H "tcp://$ip:$tls_port" \
        --tlsverify --tlscacert "$dir/certs/ca.pem" --tlscert "$dir/tls/$node-cert.pem" \
        --tlskey "$dir/tls/$node-key.pem" --iptables=false --bridge=none \
        </dev/null >"$d/dockerd.log" 2>&1 &
    # setsid and nsenter exec: this is dockerd's pid, known before it writes its pid file.
    echo $! >"$d/dockerd.launched"
}

wait_engine() {
    local node=$1
    local pid
    pid=$(cat "$(node_dir "$node")/dockerd.launched")
    for _ in $(seq 1 120); do
        engine_answers "$node" >/dev/null 2>&1 && return 0
        [ -d "/proc/$pid" ] || break
        sleep 0.5
    done
    log "dockerd on $node did not answer (exited, or not within 60 s); its log:"
    tail -n 30 "$(node_dir "$node")/dockerd.log" >&2 || true
    fail "dockerd on $node"
}

load_image() {
    docker image inspect "$test_image" >/dev/null 2>&1 || fail "$test_image is not on the main engine (scripts/bootstrap.sh)"
    docker save "$test_image" >"$dir/test-image.tar"
    local node
    for node in "${nodes[@]}"; do
        dockr "$node" load -i "$dir/test-image.tar" >/dev/null
    done
    log "$test_image loaded on ${nodes[*]}"
}

swarm_nodes_ready() { [ "$(dockr n1 node ls --format '{{.Status}}' | grep -c '^Ready$')" -eq 2 ]; }

make_swarm() {
    dockr n1 swarm init --advertise-addr "$(node_ip n1)" --listen-addr "$(node_ip n1):2377" \
        --default-addr-pool "$swarm_pool" --default-addr-pool-mask-length 24 >/dev/null
    local token
    token=$(dockr n1 swarm join-token -q worker)
    dockr n2 swarm join --token "$token" --advertise-addr "$(node_ip n2)" --listen-addr "$(node_ip n2):2377" \
        "$(node_ip n1):2377" >/dev/null
    wait_for "two swarm nodes ready on n1" 120 swarm_nodes_ready
    log "swarm: n1 manager, n2 worker"
}

write_env() {
    local node upper tmp="$env_file.tmp"
    {
        echo "# Written by scripts/cluster.sh up; removed by down."
        echo "CLUSTER_DIR='$dir'"
        echo "CLUSTER_BRIDGE='$bridge'"
        echo "CLUSTER_NODES='${nodes[*]}'"
        echo "CLUSTER_TEST_IMAGE='$test_image'"
        echo "CLUSTER_CERT_PATH='$dir/certs'"
        echo "CLUSTER_ENGINE_CERTS='$dir/engine-certs'"
        for node in "${nodes[@]}"; do
            upper=$(echo "$node" | tr a-z A-Z)
            echo "CLUSTER_${upper}_IP='$(node_ip "$node")'"
            echo "CLUSTER_${upper}_SOCKET='$(socket "$node")'"
            echo "CLUSTER_${upper}_HOST='unix://$(socket "$node")'"
            echo "CLUSTER_${upper}_TCP='tcp://$(node_ip "$node"):$tls_port'"
        done
        echo "CLUSTER_MANAGER=n1"
        echo "CLUSTER_WORKER=n2"
        echo "CLUSTER_ENGINE=n3"
        echo "CLUSTER_MANAGER_NODE_ID='$(dockr n1 info --format '{{.Swarm.NodeID}}')'"
        echo "CLUSTER_WORKER_NODE_ID='$(dockr n2 info --format '{{.Swarm.NodeID}}')'"
    } >"$tmp"
    mv "$tmp" "$env_file"
}

up() {
    local started=$SECONDS node
    [ "$(id -u)" -eq 0 ] || fail "needs root (network namespaces, dockerd)"
    install_packages
    down
    trap 'log "up failed: tearing down"; down' EXIT
    check_range_free
    mkdir -p "$dir"
    make_network
    make_certs
    for node in "${nodes[@]}"; do start_dockerd "$node"; done
    for node in "${nodes[@]}"; do wait_engine "$node"; done
    log "dockerd answering on ${nodes[*]}"
    load_image
    make_swarm
    write_env
    trap - EXIT
    log "up in $((SECONDS - started)) s; environment in $env_file"
}

status() {
    local node
    ip -br addr show "$bridge" 2>/dev/null || { echo "no bridge $bridge"; }
    for node in "${nodes[@]}"; do
        if engine_answers "$node" >/dev/null 2>&1; then
            echo "$node $(node_ip "$node"): engine up, swarm $(dockr "$node" info --format '{{.Swarm.LocalNodeState}}')"
        else
            echo "$node $(node_ip "$node"): engine down"
        fi
    done
    [ -f "$env_file" ] && echo "environment: $env_file" || echo "no $env_file"
    engine_answers n1 >/dev/null 2>&1 && dockr n1 node ls 2>/dev/null || true
}

# After a failed run, before `down` removes the logs: why an engine that should answer does not. For each node
# whose engine is down, whether its dockerd is still alive and the end of its log (a Go panic prints its first
# lines after "panic:"), then what the kernel said about killed processes.
report() {
    local node d pid
    for node in "${nodes[@]}"; do
        d=$(node_dir "$node")
        [ -d "$d" ] || continue
        engine_answers "$node" >/dev/null 2>&1 && { log "$node: engine answers"; continue; }
        pid=$(cat "$d/dockerd.launched" 2>/dev/null || true)
        # A zombie (state Z: exited, not yet reaped) has a /proc entry too.
        if [ -n "$pid" ] && [ -d "/proc/$pid" ] && [ "$(awk '{ print $3 }' "/proc/$pid/stat" 2>/dev/null)" != Z ]; then
            log "$node: engine does not answer; dockerd (pid $pid) is alive"
        else
            log "$node: engine does not answer; dockerd (pid ${pid:-?}) has exited"
        fi
        log "$node: the first panic in its log, if any:"
        grep -m 1 -A 12 -E '^(panic|fatal error):' "$d/dockerd.log" >&2 || true
        log "$node: the end of its log:"
        tail -n 25 "$d/dockerd.log" >&2 || true
    done
    dmesg 2>/dev/null | grep -iE 'out of memory|oom-kill|killed process|segfault' | tail -n 10 >&2 || true
}

case "${1:-}" in
up) up ;;
down) down ;;
status) status ;;
report) report ;;
*)
    echo "usage: $0 up|down|status|report" >&2
    exit 2
    ;;
esac
