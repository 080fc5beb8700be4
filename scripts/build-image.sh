#!/usr/bin/env bash
# Builds the Dormouse image dormouse:test from deploy/Dockerfile's runtime stage and the binary the host build
# made (the newer of .build/release/dormouse and .build/debug/dormouse), with no registry:
#   - the base is Debian bookworm from `debootstrap --variant=minbase`, with the runtime stage's packages
#     (RUNTIME_PACKAGES in the Dockerfile) included so the image build needs no apt; the root filesystem is cached
#     in .build/cluster/rootfs-cache/ and imported once as dormouse-base/bookworm:<hash of the package list>
#   - the build context is a folder with the binary, its dormouse_*.resources bundle and, for a debug binary,
#     the Swift runtime libraries it loads from the toolchain (its RUNPATH includes $ORIGIN)
#   - BuildKit (DOCKER_BUILDKIT=1 with the docker.io CLI) so the Swift build stage, whose image cannot be
#     pulled here, is skipped
# Then checks `dormouse --version` in the image and loads it on the cluster nodes when .build/cluster/cluster.env
# exists (scripts/cluster.sh up), adding CLUSTER_DORMOUSE_IMAGE to it for the tests. Installs debootstrap when
# missing. Logs to stderr with a `build-image:` prefix.
# Usage: scripts/build-image.sh [TAG]   (default dormouse:test; DORMOUSE_BINARY=PATH picks another binary)
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
tag=${1:-dormouse:test}
cache="$root/.build/cluster/rootfs-cache"
dockerfile="$root/deploy/Dockerfile"
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
# The docker.io CLI: it speaks BuildKit to dockerd 20.10 without the buildx plugin that newer CLIs need.
docker_cli=/usr/bin/docker

log() { printf 'build-image: %s\n' "$*" >&2; }
fail() { log "FAIL: $*"; exit 1; }

. "$root/scripts/lib/packages.sh"

install_packages() {
    install_missing debootstrap docker.io
}

runtime_packages() {
    sed -n 's/^ARG RUNTIME_PACKAGES="\(.*\)"$/\1/p' "$dockerfile" | head -n 1
}

# The base image for the package list: imported from the cached root filesystem, made by debootstrap if absent.
base_image() {
    local packages hash image tarball rootfs
    packages=$(runtime_packages)
    [ -n "$packages" ] || fail "no ARG RUNTIME_PACKAGES=\"...\" line in $dockerfile"
    hash=$(printf '%s' "$packages" | sha256sum | cut -c1-12)
    image="dormouse-base/bookworm:$hash"
    tarball="$cache/bookworm-$hash.tar"
    if docker image inspect "$image" >/dev/null 2>&1; then
        printf '%s\n' "$image"
        return
    fi
    if [ ! -s "$tarball" ]; then
        log "debootstrap bookworm (minbase + $packages) into $cache: about a minute"
        mkdir -p "$cache"
        rootfs=$(mktemp -d "$cache/rootfs.XXXXXX")
        # shellcheck disable=SC2086 # the list is space-separated words
        debootstrap --variant=minbase --include="$(echo $packages | tr ' ' ',')" bookworm "$rootfs" "$mirror" \
            >"$cache/debootstrap.log" 2>&1 || { rm -rf "$rootfs"; fail "debootstrap (log: $cache/debootstrap.log)"; }
        rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
        tar -C "$rootfs" -c . >"$tarball.tmp"
        mv "$tarball.tmp" "$tarball"
        rm -rf "$rootfs"
    fi
    docker import "$tarball" "$image" >/dev/null
    log "base $image imported from $tarball"
    printf '%s\n' "$image"
}

# The newer of the release and debug binaries: a release binary left from `make bench` must not hide the debug
# build `make test` just made.
binary_path() {
    local newest
    newest=$(ls -t "$root/.build/release/dormouse" "$root/.build/debug/dormouse" 2>/dev/null | head -n 1 || true)
    [ -n "$newest" ] || fail "no .build/release/dormouse or .build/debug/dormouse: run swift build first"
    printf '%s\n' "$newest"
}

# The build context: the binary, its resource bundles (not the tests'), the Swift libraries it loads.
stage_context() {
    local binary=$1 context=$2 bin_dir bundle lib
    bin_dir=$(dirname "$binary")
    cp "$binary" "$context/dormouse"
    for bundle in "$bin_dir"/dormouse_*.resources; do
        case "$bundle" in *Tests.resources) continue ;; esac
        cp -R "$bundle" "$context/"
    done
    for lib in $(ldd "$binary" | awk '$3 ~ "/lib/swift/" { print $3 }'); do
        cp "$lib" "$context/"
    done
}

load_on_cluster() {
    local env_file="$root/.build/cluster/cluster.env" node socket archive
    [ -f "$env_file" ] || { log "no $env_file: not loading on the cluster"; return 0; }
    archive="$root/.build/cluster/dormouse-image.tar"
    docker save "$tag" >"$archive"
    # shellcheck source=/dev/null
    . "$env_file"
    for node in $CLUSTER_NODES; do
        socket=$(eval "printf '%s' \"\$CLUSTER_$(echo "$node" | tr a-z A-Z)_SOCKET\"")
        docker -H "unix://$socket" load -i "$archive" >/dev/null
    done
    rm -f "$archive"
    # The tests of the image and of the swarm stack find it here.
    { grep -v '^CLUSTER_DORMOUSE_IMAGE=' "$env_file" || true; echo "CLUSTER_DORMOUSE_IMAGE='$tag'"; } >"$env_file.tmp"
    mv "$env_file.tmp" "$env_file"
    log "$tag loaded on $CLUSTER_NODES"
}

context=""
main() {
    local started=$SECONDS base binary version
    install_packages
    base=$(base_image)
    binary=${DORMOUSE_BINARY:-$(binary_path)}
    context=$(mktemp -d)
    trap '[ -z "$context" ] || rm -rf "$context"' EXIT
    stage_context "$binary" "$context"
    log "building $tag from $binary on $base"
    DOCKER_BUILDKIT=1 "$docker_cli" build -q -f "$dockerfile" --build-arg BINARY=prebuilt --build-arg BASE="$base" \
        -t "$tag" "$context" >/dev/null
    version=$(docker run --rm "$tag" --version) || fail "$tag does not run dormouse --version"
    log "$tag runs dormouse $version"
    load_on_cluster
    log "done in $((SECONDS - started)) s"
}

main
