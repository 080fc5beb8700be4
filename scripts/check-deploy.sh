#!/usr/bin/env bash
# Checks the deploy/ files without running them (`make test` builds and runs the image and the swarm stack:
# scripts/build-image.sh, Tests/LifecycleTests/Cluster):
#   - deploy/dormouse.service and deploy/dormouse-watch@.service (as an instance) pass `systemd-analyze verify`
#   - deploy/compose.yml is valid YAML with services.dormouse mounting the Docker socket and a data volume,
#     and services.dormouse-watch running `watch` with its token from an env_file, never inline
#   - deploy/Dockerfile names the stages, packages and files the README promises
#   - deploy/swarm/stack.yml pins Dormouse to a manager with the socket, a data volume and the token secret, and
#     declares a lazy worker (replicas 0, dev.dormouse.enable=true) on the same attachable overlay network
#   - deploy/kubernetes/*.yaml pass `kubernetes-validate --strict` (the API's OpenAPI schemas, offline: no
#     server needed), and say what the README promises: Dormouse on a PVC with its service account and
#     DORMOUSE_KUBERNETES=in-cluster, a Role of exactly get/list/watch deployments and get/watch/update
#     deployments/scale, and a lazy worker (replicas 0, dev.dormouse.enable=true) with a Service
# Installs only what is missing, the way scripts/bootstrap.sh does: `systemd` (Debian) for systemd-analyze,
# PyYAML (pip) for the compose check, kubernetes-validate (pip) for the Kubernetes manifests.
# Usage: scripts/check-deploy.sh [path/to/dormouse]   (default: the newest built .build*/*/dormouse)
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
log() { printf 'check-deploy: %s\n' "$*" >&2; }
fail() { log "FAIL: $*"; exit 1; }

. "$root/scripts/lib/packages.sh"

ensure_kubernetes_validate() {
    command -v kubernetes-validate >/dev/null && return 0
    log "installing kubernetes-validate"
    python3 -m pip install --quiet kubernetes-validate
}

ensure_systemd_analyze() {
    command -v systemd-analyze >/dev/null && return 0
    install_missing systemd
}

ensure_pyyaml() {
    python3 -c 'import yaml' 2>/dev/null && return 0
    log "installing PyYAML"
    python3 -m pip install --quiet pyyaml
}

# The binary ExecStart should point at: the one given, else the newest build, else /bin/true.
executable() {
    if [ -n "${1:-}" ]; then printf '%s\n' "$1"; return; fi
    local built
    built=$(ls -t "$root"/.build*/{debug,release}/dormouse 2>/dev/null | head -n 1 || true)
    printf '%s\n' "${built:-$(type -P true)}"
}

verify_unit() {
    local binary=$1 dir
    dir=$(mktemp -d)
    trap 'rm -rf "$dir"' RETURN
    # `systemd-analyze verify` fails when ExecStart's program does not exist, and /usr/local/bin/dormouse
    # is not installed on a build machine; so verify a copy whose ExecStart points at a binary that
    # exists here. Everything else in the unit is checked as written.
    sed "s|^ExecStart=/usr/local/bin/dormouse|ExecStart=$binary|" "$root/deploy/dormouse.service" \
        >"$dir/dormouse.service"
    grep -q "^ExecStart=$binary serve" "$dir/dormouse.service" || fail "ExecStart is not /usr/local/bin/dormouse serve"
    # verify prints problems on stderr but exits 0 for some of them, so any output counts as a failure.
    local output
    output=$(systemd-analyze verify "$dir/dormouse.service" 2>&1) || fail "systemd-analyze verify: $output"
    [ -z "$output" ] || fail "systemd-analyze verify: $output"
    log "deploy/dormouse.service verified (ExecStart checked against $binary)"
}

# The watcher's template unit, verified as the instance `dormouse-watch@operator` (a template alone leaves %i
# unchecked); its token must come from an EnvironmentFile, never an Environment= line.
verify_watch_unit() {
    local binary=$1 dir unit=dormouse-watch@operator.service
    dir=$(mktemp -d)
    trap 'rm -rf "$dir"' RETURN
    sed "s|^ExecStart=/usr/local/bin/dormouse|ExecStart=$binary|" "$root/deploy/dormouse-watch@.service" >"$dir/$unit"
    grep -q "^ExecStart=$binary watch$" "$dir/$unit" || fail "dormouse-watch@.service: ExecStart is not dormouse watch"
    grep -q '^EnvironmentFile=/etc/dormouse/watch.env$' "$dir/$unit" || fail "dormouse-watch@.service: no watch.env"
    ! grep -q '^Environment=.*MM_BOT_TOKEN' "$dir/$unit" || fail "dormouse-watch@.service: MM_BOT_TOKEN inline"
    local output
    output=$(systemd-analyze verify "$dir/$unit" 2>&1) || fail "systemd-analyze verify: $output"
    [ -z "$output" ] || fail "systemd-analyze verify: $output"
    log "deploy/dormouse-watch@.service verified as $unit"
}

check_compose() {
    python3 - "$root/deploy/compose.yml" <<'PY'
import sys, yaml
compose = yaml.safe_load(open(sys.argv[1]))
service = (compose.get("services") or {}).get("dormouse")
assert service, "no services.dormouse"
volumes = [str(v) for v in service.get("volumes", [])]
assert any(v.startswith("/var/run/docker.sock:/var/run/docker.sock") for v in volumes), "no Docker socket volume"
data = [v for v in volumes if v.split(":")[0] in (compose.get("volumes") or {})]
assert data, "no named data volume declared under volumes:"
assert "group_add" in service, "no group_add for the socket's group"
assert "DORMOUSE_API_TOKEN" in (service.get("environment") or {}), "no DORMOUSE_API_TOKEN"
watch = (compose.get("services") or {}).get("dormouse-watch")
assert watch, "no services.dormouse-watch"
assert watch.get("command") == ["watch"], "dormouse-watch does not run `watch`"
assert watch.get("env_file"), "dormouse-watch has no env_file for MM_BOT_TOKEN"
assert "MM_BOT_TOKEN" not in (watch.get("environment") or {}), "MM_BOT_TOKEN must not be inline"
assert all(str(v).endswith(":ro") for v in watch.get("volumes", []) if "/.openclaw/" in str(v) or "/.claude/" in str(v)), \
    "transcripts must be mounted read-only"
assert "healthcheck" in watch, "dormouse-watch has no healthcheck"
PY
    log "deploy/compose.yml parsed: services.dormouse mounts the socket and a data volume; dormouse-watch reads its token from an env_file"
}

check_dockerfile() {
    local file="$root/deploy/Dockerfile"
    for needle in 'FROM swift:6' '--static-swift-stdlib' 'dormouse_Server.resources' 'ARG BASE=debian:bookworm-slim' \
        'FROM ${BASE} AS runtime' 'libsqlite3-0' 'libcurl4' 'USER dormouse'; do
        grep -qF -- "$needle" "$file" || fail "deploy/Dockerfile lacks $needle"
    done
    log "deploy/Dockerfile has its stages, runtime packages, resource bundle and non-root user"
}

check_stack() {
    python3 - "$root/deploy/swarm/stack.yml" <<'PY'
import sys, yaml
stack = yaml.safe_load(open(sys.argv[1]))
services = stack.get("services") or {}
dormouse, worker = services.get("dormouse"), services.get("worker")
assert dormouse and worker, "services.dormouse and services.worker are required"
deploy = dormouse.get("deploy") or {}
assert "node.role == manager" in (deploy.get("placement") or {}).get("constraints", []), "dormouse not on a manager"
volumes = [str(v) for v in dormouse.get("volumes", [])]
assert any(v.endswith(":/var/run/docker.sock") for v in volumes), "no Docker socket volume"
assert any(v.split(":")[0] in (stack.get("volumes") or {}) for v in volumes), "no named data volume"
assert "dormouse_api_token" in dormouse.get("secrets", []), "no API token secret"
assert "DORMOUSE_API_TOKEN" not in (dormouse.get("environment") or {}), "the token must not be inline"
lazy = worker.get("deploy") or {}
assert lazy.get("replicas") == 0 and (lazy.get("labels") or {}).get("dev.dormouse.enable") == "true", \
    "the worker is not lazy (replicas 0, dev.dormouse.enable=true)"
network = (stack.get("networks") or {}).get("workers") or {}
assert network.get("driver") == "overlay" and network.get("attachable") is True, "workers is not an attachable overlay"
assert dormouse.get("networks") == ["workers"] and worker.get("networks") == ["workers"], "not on the same network"
PY
    log "deploy/swarm/stack.yml parsed: Dormouse on a manager with socket, volume and secret; a lazy worker beside it"
}

check_kubernetes() {
    local output
    output=$(kubernetes-validate --strict --quiet "$root"/deploy/kubernetes/*.yaml 2>&1) \
        || fail "kubernetes-validate: $output"
    python3 - "$root"/deploy/kubernetes/*.yaml <<'PY'
import sys, yaml
docs = [d for f in sys.argv[1:] for d in yaml.safe_load_all(open(f)) if d]
by = {(d["kind"], d["metadata"]["name"]): d for d in docs}
role = by[("Role", "dormouse-workers")]
rules = {(tuple(r["apiGroups"]), tuple(r["resources"])): sorted(r["verbs"]) for r in role["rules"]}
assert rules == {(("apps",), ("deployments",)): ["get", "list", "watch"],
                 (("apps",), ("deployments/scale",)): ["get", "update", "watch"]}, f"Role rules are {rules}"
binding = by[("RoleBinding", "dormouse-workers")]
assert binding["subjects"][0]["name"] == "dormouse" and binding["roleRef"]["name"] == "dormouse-workers"
assert ("ServiceAccount", "dormouse") in by, "no ServiceAccount dormouse"
dormouse = by[("Deployment", "dormouse")]["spec"]
pod = dormouse["template"]["spec"]
assert dormouse["replicas"] == 1 and dormouse["strategy"]["type"] == "Recreate", "one Dormouse at a time"
assert pod["serviceAccountName"] == "dormouse"
env = {e["name"]: e for e in pod["containers"][0]["env"]}
assert env["DORMOUSE_KUBERNETES"]["value"] == "in-cluster"
assert env["DORMOUSE_DB"]["value"].startswith("/var/lib/dormouse/")
assert "secretKeyRef" in env["DORMOUSE_API_TOKEN"]["valueFrom"], "the API token must come from a secret"
claims = [v["persistentVolumeClaim"]["claimName"] for v in pod["volumes"] if "persistentVolumeClaim" in v]
assert claims and ("PersistentVolumeClaim", claims[0]) in by, "no PVC for the database"
worker = by[("Deployment", "worker")]
assert worker["spec"]["replicas"] == 0 and worker["metadata"]["labels"]["dev.dormouse.enable"] == "true", \
    "the worker is not lazy (replicas 0, dev.dormouse.enable=true)"
assert "readinessProbe" in worker["spec"]["template"]["spec"]["containers"][0], "the worker has no readiness probe"
assert ("Service", "worker") in by, "no Service for the worker"
PY
    log "deploy/kubernetes/*.yaml validated against the Kubernetes schemas: Dormouse, its least-privilege Role, a lazy worker"
}

ensure_systemd_analyze
ensure_pyyaml
ensure_kubernetes_validate
verify_unit "$(executable "${1:-}")"
verify_watch_unit "$(executable "${1:-}")"
check_compose
check_dockerfile
check_stack
check_kubernetes
log "ok"
