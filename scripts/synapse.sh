#!/usr/bin/env bash
# A real Matrix homeserver (Synapse) on 127.0.0.1 for the Matrix adapter's tests and benchmark:
#   - a venv with matrix-synapse, kept between runs outside the clone (DORMOUSE_SYNAPSE_VENV, by default
#     ${XDG_CACHE_HOME:-$HOME/.cache}/dormouse/synapse-venv); installed on first use (~1 min)
#   - a fresh server named `localhost` under .build/synapse/ (config, SQLite database, log), on a free port,
#     listening on 127.0.0.1 only
#   - users: `bot` (the poster's), `reader` (checks what a client sees), `outsider` (owns a room the bots are not
#     in), `bot1`..`bot5` (one per test group: Synapse limits messages per user, so tests do not share budgets) and
#     `admin` (a server admin: the benchmark lifts the bot's rate limit with it for its `--unlimited` run)
#   - the room #dormouse-status:localhost created by `bot`, every bot and the reader joined
#   - .build/synapse/synapse.env (shell-sourceable) for the tests
# Synapse's message rate limits stay at their defaults (0.2/s, burst 10 per user): the tests prove the 429 path.
# Only the login limit is raised (default 5 logins per address), since setting up logs in 10 times.
# `up` runs `down` first; `down` stops the server and keeps the venv.
# Usage: scripts/synapse.sh up|down
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
dir="$root/.build/synapse"
env_file="$dir/synapse.env"
venv=${DORMOUSE_SYNAPSE_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/dormouse/synapse-venv}
password=dormouse-test-password
bots=(bot1 bot2 bot3 bot4 bot5)

log() { printf 'synapse: %s\n' "$*" >&2; }
fail() { log "FAIL: $*"; [ -f "$dir/homeserver.log" ] && tail -20 "$dir/homeserver.log" >&2; exit 1; }

down() {
    if [ -f "$dir/homeserver.pid" ]; then
        local pid
        pid=$(cat "$dir/homeserver.pid")
        if kill "$pid" 2>/dev/null; then
            for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
            kill -9 "$pid" 2>/dev/null || true
        fi
        rm -f "$dir/homeserver.pid"
    fi
    rm -f "$env_file"
}

ensure_venv() {
    "$venv/bin/python" -c 'import synapse' 2>/dev/null && return 0
    log "installing matrix-synapse into $venv"
    mkdir -p "$(dirname "$venv")"
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q --upgrade pip
    "$venv/bin/pip" install -q matrix-synapse
}

free_port() {
    "$venv/bin/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# json FIELD: reads a JSON object on stdin and prints one top-level field.
json() { "$venv/bin/python" -c 'import json, sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"; }

# api METHOD PATH TOKEN [BODY]: one client-server API call; fails on a non-2xx answer.
api() {
    local auth=()
    [ -n "$3" ] && auth=(-H "Authorization: Bearer $3")
    curl -sSf --max-time 10 -X "$1" "${auth[@]}" -H 'Content-Type: application/json' --data "${4:-{\}}" \
        "$url/_matrix/client/v3$2"
}

configure() {
    rm -rf "$dir"
    mkdir -p "$dir"
    (cd "$dir" && "$venv/bin/python" -m synapse.app.homeserver --server-name localhost \
        --config-path homeserver.yaml --data-directory "$dir" --generate-config --report-stats=no >/dev/null)
    port=$(free_port)
    url="http://127.0.0.1:$port"
    # The generated listener is 8008 on ::1 and 127.0.0.1: this one port, on 127.0.0.1 only. Logins are limited to
    # 5 per address by default; setting up needs 10.
    "$venv/bin/python" - "$dir/homeserver.yaml" "$port" <<'PY'
import sys, yaml
path, port = sys.argv[1], int(sys.argv[2])
config = yaml.safe_load(open(path))
config["listeners"][0].update(port=port, bind_addresses=["127.0.0.1"])
config["rc_login"] = {"address": {"per_second": 10, "burst_count": 50}, "account": {"per_second": 10, "burst_count": 50}}
yaml.safe_dump(config, open(path, "w"), sort_keys=False)
PY
}

start() {
    "$venv/bin/python" -m synapse.app.homeserver --config-path "$dir/homeserver.yaml" --daemonize \
        >"$dir/start.log" 2>&1 || fail "did not start: $(cat "$dir/start.log")"
    for _ in $(seq 1 60); do
        curl -sf --max-time 2 "$url/_matrix/client/versions" >/dev/null && return 0
        sleep 0.5
    done
    fail "no answer on $url within 30 s"
}

# register USER [--admin]: a user (without admin rights unless asked), through the config's registration secret.
register() {
    "$venv/bin/register_new_matrix_user" -c "$dir/homeserver.yaml" -u "$1" -p "$password" "${2:---no-admin}" "$url" \
        >/dev/null
}
# login USER: prints the access token of a new device of USER.
login() {
    api POST /login "" "{\"type\":\"m.login.password\",\"identifier\":{\"type\":\"m.id.user\",\"user\":\"$1\"},\"password\":\"$password\"}" |
        json access_token
}

up() {
    down
    ensure_venv
    configure
    start
    local user bot reader outsider spare admin room foreign tokens=()
    for user in bot reader outsider "${bots[@]}"; do register "$user"; done
    register admin --admin
    bot=$(login bot)
    spare=$(login bot)
    reader=$(login reader)
    outsider=$(login outsider)
    admin=$(login admin)
    room=$(api POST /createRoom "$bot" \
        '{"name":"dormouse status","room_alias_name":"dormouse-status","preset":"private_chat"}' | json room_id)
    for user in reader "${bots[@]}"; do
        api POST "/rooms/$room/invite" "$bot" "{\"user_id\":\"@$user:localhost\"}" >/dev/null
    done
    api POST "/rooms/$room/join" "$reader" >/dev/null
    for user in "${bots[@]}"; do
        tokens+=("$(login "$user")")
        api POST "/rooms/$room/join" "${tokens[-1]}" >/dev/null
    done
    foreign=$(api POST /createRoom "$outsider" '{"name":"not the bot'"'"'s","preset":"private_chat"}' | json room_id)
    cat >"$env_file" <<ENV
MATRIX_HOMESERVER_URL='$url'
MATRIX_ACCESS_TOKEN='$bot'
MATRIX_BOT_USER='@bot:localhost'
MATRIX_ADMIN_TOKEN='$admin'
MATRIX_DEFAULT_ROOM='$room'
MATRIX_DEFAULT_ROOM_ALIAS='#dormouse-status:localhost'
MATRIX_READER_TOKEN='$reader'
MATRIX_SPARE_TOKEN='$spare'
MATRIX_FOREIGN_ROOM='$foreign'
MATRIX_BOT_TOKENS='${tokens[*]}'
ENV
    log "up on $url, room $room; $env_file"
}

case ${1:-} in
up) up ;;
down) down ;;
*) echo "usage: $0 up|down" >&2; exit 2 ;;
esac
