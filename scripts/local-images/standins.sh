#!/usr/bin/env bash
# Builds the stand-in images (standins/, README.md here): for the services that cannot be had on this
# machine (Elasticsearch, Kibana, Grafana, Pinot, Kafka UI; ksqlDB is real since 7.9.9 could be built:
# platform-images.sh), an image named
#   lab-local/standin-<service>:<tag of the image it replaces in config/defaults.ts>
# that answers the ports, health checks and REST calls the stack makes. They are NOT the real software.
#
# Built from lab-local/debian:bookworm, this machine's Node and the compiled stand-in server; first a
# shared base (lab-local/standin-base:1), then one small image per service on it.
# Re-runnable: each image carries a label lab.inputs-sha256 (a hash of what it is built from); a run
# that finds the same hash skips it, without compiling or sending a build context.
#
# Usage: bash scripts/local-images/standins.sh [--force] [elasticsearch|kibana|grafana|pinot|kafka-ui ...]
#   (no names = all of them; --force rebuilds)
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
CACHE="$ROOT/.cache/images"
BASE_IMAGE="${LAB_DEBIAN_IMAGE:-lab-local/debian:bookworm}"
STANDIN_BASE=lab-local/standin-base:1
DOCKER_DIR="$ROOT/standins/docker"
NODE_BIN="${LAB_STANDIN_NODE:-$(command -v node)}"

LOG_PREFIX=standins
# shellcheck source=scripts/local-images/lib.sh
source "$HERE/lib.sh"
parse_targets "elasticsearch kibana grafana pinot kafka-ui" "$@"
require_engine_and_base
[[ -x "$NODE_BIN" ]] || fail "no node binary to copy into the images (command -v node found nothing): install Node 20+ or set LAB_STANDIN_NODE"
"$NODE_BIN" -e 'process.exit(Number(process.versions.node.split(".")[0]) >= 20 ? 0 : 1)' ||
  fail "$NODE_BIN is Node $("$NODE_BIN" --version); the stand-ins need Node 20 or newer (set LAB_STANDIN_NODE)"

mkdir -p "$CACHE"
# Two worktrees building at once would tag the same names twice.
exec 9>"$CACHE/standins.lock"
flock 9

# --- the shared base: Debian + curl + wget + node + compiled server ------------------------------
# Inputs: every source the server may compile from (a superset is harmless), the build settings,
# the Dockerfile, the node binary and the Debian image.
mapfile -t SOURCES < <(cd "$ROOT" && find standins ksql-language -maxdepth 1 -name '*.ts' | LC_ALL=C sort; echo tsconfig.json; echo standins/tsconfig.build.json; echo standins/docker/Dockerfile.base)
base_hash="$( (cd "$ROOT" && for f in "${SOURCES[@]}"; do printf '%s ' "$f"; sha <"$f"; done)
  printf 'node %s\n' "$(sha <"$NODE_BIN")"
  docker image inspect --format '{{.Id}}' "$BASE_IMAGE") | sha)"
if [[ $FORCE -eq 0 && $(image_label "$STANDIN_BASE" lab.inputs-sha256) == "$base_hash" ]]; then
  log "$STANDIN_BASE up to date"
else
  context="$(mktemp -d "$CACHE/standins-context.XXXXXX")"
  trap 'rm -rf "$context"' EXIT
  log "compiling the stand-in server"
  (cd "$ROOT" && node_modules/.bin/tsc -p standins/tsconfig.build.json --outDir "$context/app") ||
    fail "tsc failed on the stand-in server: fix the type errors above (npx tsc --noEmit -p .)"
  cp "$DOCKER_DIR/Dockerfile.base" "$context/Dockerfile"
  cp -L "$NODE_BIN" "$context/node"
  log "building $STANDIN_BASE (Node $("$NODE_BIN" --version); apt installs curl and wget on the first build)"
  # The classic builder: the docker CLI here has no buildx plugin for BuildKit.
  DOCKER_BUILDKIT=0 docker build --build-arg "BASE_IMAGE=$BASE_IMAGE" --label "lab.inputs-sha256=$base_hash" \
    -t "$STANDIN_BASE" "$context" >"$CACHE/standin-base-build.log" 2>&1 ||
    { tail -n 30 "$CACHE/standin-base-build.log" >&2; fail "docker build of $STANDIN_BASE failed; its log: $CACHE/standin-base-build.log"; }
fi
base_id="$(docker image inspect --format '{{.Id}}' "$STANDIN_BASE")"

# --- one image per service -----------------------------------------------------------------------
# The names and versions come from the stack's pins (standins/images.ts reads config/defaults.ts).
images="$(cd "$ROOT" && node --require ts-node/register/transpile-only standins/images.ts)" ||
  fail "standins/images.ts could not list the images (see above)"
while read -r service version image replaces; do
  wants "$service" || continue
  hash="$( (sha <"$DOCKER_DIR/Dockerfile"; echo "$base_id $service $version $replaces") | sha)"
  if [[ $FORCE -eq 0 && $(image_label "$image" lab.inputs-sha256) == "$hash" ]]; then
    log "$image up to date"
    continue
  fi
  log "building $image (stand-in for $replaces)"
  # No build context: the Dockerfile only sets labels, environment and the entrypoint.
  DOCKER_BUILDKIT=0 docker build --build-arg "STANDIN_BASE=$STANDIN_BASE" --build-arg "SERVICE=$service" \
    --build-arg "VERSION=$version" --build-arg "REPLACES=$replaces" --label "lab.inputs-sha256=$hash" \
    -t "$image" - <"$DOCKER_DIR/Dockerfile" >"$CACHE/standin-$service-build.log" 2>&1 ||
    { tail -n 30 "$CACHE/standin-$service-build.log" >&2; fail "docker build of $image failed; its log: $CACHE/standin-$service-build.log"; }
done <<<"$images"
docker image ls --format '{{.Repository}}:{{.Tag}}  {{.Size}}' | grep '^lab-local/standin-' | sed 's/^/[standins] /'
