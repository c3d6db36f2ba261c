#!/usr/bin/env bash
# Builds the images this machine cannot pull (no image registry is reachable here, DESIGN.md §4):
#   lab-local/debian:bookworm   Debian 12 minbase from debootstrap; the root filesystem is cached
#                               as .cache/images/debian-bookworm-minbase.tar
#   lab-local/kafka:3.9.1       Apache Kafka 3.9.1 from the Maven Central jars in .cache/kafka/libs,
#                               following the apache/kafka:3.9.1 image's contract (README.md)
#   lab-local/node:<v>-bookworm-slim  this machine's Node.js (v = `node --version`) and npm, laid out
#                               as the official node image; the app image's NODE_IMAGE
#
# Re-runnable: an image is rebuilt only when its inputs changed. Each image carries a label
# lab.inputs-sha256 (a hash of the files it is built from); a run that finds the same hash skips
# the build without even sending the build context.
#
# Usage: bash scripts/local-images/build.sh [--force] [base|kafka|node ...]
#   (no image names = all of them; --force rebuilds them, the base from a fresh debootstrap)
# Use them in the stack: LAB_IMAGE_KAFKA=lab-local/kafka:3.9.1 LAB_IMAGE_NODE_BASE=lab-local/node:<v>-bookworm-slim
# (the node tag is printed at the end).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
CACHE="$ROOT/.cache/images"
BASE_IMAGE=lab-local/debian:bookworm
KAFKA_IMAGE=lab-local/kafka:3.9.1
KAFKA_LIBS="$ROOT/.cache/kafka/libs"
DEBIAN_MIRROR="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"

LOG_PREFIX=local-images
# shellcheck source=scripts/local-images/lib.sh
source "$HERE/lib.sh"
parse_targets "base kafka node" "$@"

bash "$ROOT/scripts/setup-docker.sh"
mkdir -p "$CACHE"
# Two worktrees building at once would race on the rootfs dir and tag images twice.
exec 9>"$CACHE/build.lock"
flock 9

# --- lab-local/debian:bookworm -------------------------------------------------------------------
BASE_TAR="$CACHE/debian-bookworm-minbase.tar"
build_base() {
  local tar_hash
  # The base is the one input every other image hashes (by its id): a clean clone (CI) has no
  # rootfs tar, and a fresh debootstrap would give a new id and rebuild every image although
  # nothing changed. An imported base already in the engine is reused unless --force.
  if [[ $FORCE -eq 0 && ! -s $BASE_TAR && -n $(image_label "$BASE_IMAGE" lab.inputs-sha256) ]]; then
    log "$BASE_IMAGE present in the engine (imported $(docker image inspect --format '{{.Created}}' "$BASE_IMAGE" | cut -c1-10)); reused (--force debootstraps a new one)"
    return
  fi
  if [[ $FORCE -eq 1 || ! -s $BASE_TAR ]]; then
    command -v debootstrap >/dev/null 2>&1 || PATH="$PATH:/usr/sbin:/sbin"
    if ! command -v debootstrap >/dev/null 2>&1; then
      [[ $(id -u) -eq 0 ]] || fail "debootstrap is missing and this is not root: apt-get install debootstrap"
      log "installing debootstrap"
      apt-get update -q && apt-get install -y -q --no-install-recommends debootstrap
    fi
    [[ $(id -u) -eq 0 ]] || fail "debootstrap needs root"
    local rootfs="$CACHE/debian-bookworm-rootfs"
    rm -rf "$rootfs"
    log "debootstrap --variant=minbase bookworm from $DEBIAN_MIRROR (about a minute)"
    debootstrap --variant=minbase bookworm "$rootfs" "$DEBIAN_MIRROR" >"$CACHE/debootstrap.log" 2>&1 ||
      { tail -n 20 "$CACHE/debootstrap.log" >&2; fail "debootstrap failed; its log: $CACHE/debootstrap.log"; }
    # debootstrap lists only bookworm main; builds on this base also get the point and security updates.
    cat >"$rootfs/etc/apt/sources.list" <<EOF
deb $DEBIAN_MIRROR bookworm main
deb $DEBIAN_MIRROR bookworm-updates main
deb http://deb.debian.org/debian-security bookworm-security main
EOF
    # Nothing a build needs: apt lists are fetched again by every `apt-get update`, caches are stale.
    rm -rf "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/log/*.log
    tar --numeric-owner -C "$rootfs" -cf "$BASE_TAR.tmp" .
    mv "$BASE_TAR.tmp" "$BASE_TAR"
    rm -rf "$rootfs"
  fi
  tar_hash="$(sha <"$BASE_TAR")"
  if [[ $(image_label "$BASE_IMAGE" lab.inputs-sha256) == "$tar_hash" ]]; then
    log "$BASE_IMAGE up to date"
    return
  fi
  log "importing $BASE_IMAGE from $BASE_TAR"
  docker import \
    --change "LABEL lab.inputs-sha256=$tar_hash" \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8' \
    --change 'CMD ["bash"]' \
    "$BASE_TAR" "$BASE_IMAGE" >/dev/null
}

# --- lab-local/kafka:3.9.1 -----------------------------------------------------------------------
build_kafka() {
  [[ -f "$KAFKA_LIBS/kafka_2.13-3.9.1.jar" && -f "$ROOT/.cache/kafka/.installed" ]] ||
    bash "$ROOT/scripts/setup-integration.sh"
  local base_id files hash context
  base_id="$(docker image inspect --format '{{.Id}}' "$BASE_IMAGE")"
  mapfile -t files < <(find "$HERE/kafka" -type f | LC_ALL=C sort; find "$KAFKA_LIBS" -name '*.jar' | LC_ALL=C sort)
  hash="$( (inputs_hash "${files[@]}"; echo "$base_id") | sha)"
  if [[ $FORCE -eq 0 && $(image_label "$KAFKA_IMAGE" lab.inputs-sha256) == "$hash" ]]; then
    log "$KAFKA_IMAGE up to date"
    return
  fi
  # The build context: our Dockerfile and scripts, plus the jars (hard links, no copy, when on the same filesystem).
  context="$(mktemp -d "$CACHE/kafka-context.XXXXXX")"
  trap 'rm -rf "$context"' RETURN
  cp -r "$HERE/kafka/." "$context/"
  mkdir "$context/libs"
  cp -l "$KAFKA_LIBS"/*.jar "$context/libs/" 2>/dev/null || cp "$KAFKA_LIBS"/*.jar "$context/libs/"
  log "building $KAFKA_IMAGE ($(find "$context/libs" -name '*.jar' | wc -l) jars; apt installs Java 17 on the first build)"
  # The classic builder: the docker 28 client needs the buildx plugin for BuildKit, which is not installed here.
  DOCKER_BUILDKIT=0 docker build --build-arg "BASE_IMAGE=$BASE_IMAGE" --label "lab.inputs-sha256=$hash" \
    -t "$KAFKA_IMAGE" "$context" >"$CACHE/kafka-build.log" 2>&1 ||
    { tail -n 30 "$CACHE/kafka-build.log" >&2; fail "docker build of $KAFKA_IMAGE failed; its log: $CACHE/kafka-build.log"; }
}

# --- lab-local/node:<version>-bookworm-slim ------------------------------------------------------
build_node() {
  local node_bin npm_dir version image hash context
  node_bin="$(readlink -f "$(command -v node)")" || fail "no node on PATH"
  npm_dir="$(cd "$(dirname "$(readlink -f "$(command -v npm)")")/.." && pwd)"
  [[ -f $npm_dir/package.json ]] || fail "npm's package directory not found next to $(command -v npm)"
  version="$("$node_bin" --version)"
  image="lab-local/node:${version#v}-bookworm-slim"
  hash="$( (inputs_hash "$HERE/node/Dockerfile" "$node_bin" /etc/ssl/certs/ca-certificates.crt "$npm_dir/package.json"
    docker image inspect --format '{{.Id}}' "$BASE_IMAGE") | sha)"
  if [[ $FORCE -eq 0 && $(image_label "$image" lab.inputs-sha256) == "$hash" ]]; then
    log "$image up to date"
    return
  fi
  context="$(mktemp -d "$CACHE/node-context.XXXXXX")"
  trap 'rm -rf "$context"' RETURN
  cp "$HERE/node/Dockerfile" "$context/"
  cp "$node_bin" "$context/node"
  cp -r "$npm_dir" "$context/npm"
  cp /etc/ssl/certs/ca-certificates.crt "$context/"
  log "building $image (node and npm of this machine)"
  DOCKER_BUILDKIT=0 docker build --build-arg "BASE_IMAGE=$BASE_IMAGE" --label "lab.inputs-sha256=$hash" \
    -t "$image" "$context" >"$CACHE/node-build.log" 2>&1 ||
    { tail -n 30 "$CACHE/node-build.log" >&2; fail "docker build of $image failed; its log: $CACHE/node-build.log"; }
}

if wants base; then build_base; fi
if wants kafka; then
  docker image inspect "$BASE_IMAGE" >/dev/null 2>&1 || build_base
  build_kafka
fi
if wants node; then
  docker image inspect "$BASE_IMAGE" >/dev/null 2>&1 || build_base
  build_node
fi
docker image ls --format '{{.Repository}}:{{.Tag}}  {{.Size}}' | grep '^lab-local/' | sed 's/^/[local-images] /'
