#!/usr/bin/env bash
# Builds the platform images the stack needs and this machine cannot pull (no image registry is
# reachable here, DESIGN.md §4), each following the contract of the upstream image it replaces
# (README-platform-images.md):
#   lab-local/mariadb:<tag>              MariaDB 10.11 from Debian 12            for mariadb:<tag>
#   lab-local/cp-schema-registry:7.9.9   Confluent Schema Registry 7.9.9 built from public source
#                                        (../shared/schema-registry) for confluentinc/cp-schema-registry
#   lab-local/cp-kafka-connect:<tag>     Apache Kafka Connect 3.9.1 (Maven Central jars) and a
#                                        confluent-hub that installs the Elasticsearch sink STAND-IN
#                                        for confluentinc/cp-kafka-connect:<tag>
#   lab-local/cp-ksqldb-server:7.9.9     ksqlDB 7.9.9 built from public source (../shared/ksqldb,
#                                        assembled by scripts/setup-ksqldb.sh) for
#                                        confluentinc/cp-ksqldb-server:<tag>
#   lab-local/opensearch-node:2.19.6     a REAL search engine, OpenSearch 2.19.6 (Maven Central jars,
#                                        assembled by scripts/setup-opensearch.sh), for elasticsearch:<tag>
#   lab-local/nginx:1.22.1               Debian 12's nginx 1.22.1, for the authenticated mode's proxy
#                                        image nginx:<tag>
# <tag> is the stack's pin in config/defaults.ts, so a moved pin names a new image.
#
# Re-runnable: compiled parts are cached under .cache/images (the stand-in plugin jar, in a
# directory named after the hash of its sources), and each image
# carries a label lab.inputs-sha256 (a hash of everything it is built from); a run that finds the
# same hash skips the image without sending a build context.
#
# Usage: bash scripts/local-images/platform-images.sh [--force] [mariadb|registry|connect|ksqldb|opensearch|nginx ...]
#   (no names = all; --force rebuilds the images and recompiles the cached parts)
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
CACHE="$ROOT/.cache/images"
BASE_IMAGE="${LAB_DEBIAN_IMAGE:-lab-local/debian:bookworm}"
KAFKA_LIBS="$ROOT/.cache/kafka/libs"
# Confluent's Schema Registry as ../shared/schema-registry builds it (scripts/setup-schema-registry.sh).
SCHEMA_REGISTRY_VERSION=7.9.9
SCHEMA_REGISTRY_HOME="$ROOT/.cache/schema-registry"
KSQLDB_HOME="$ROOT/.cache/ksqldb"
# The version ../shared/ksqldb holds (its jars are named after it); the stack pins 7.9.11 upstream.
KSQLDB_VERSION=7.9.9
OPENSEARCH_HOME="$ROOT/.cache/opensearch"
# The version tools/opensearch-node/pom.xml resolves; the image is named after it, not after the
# Elasticsearch pin it stands in for.
OPENSEARCH_VERSION=2.19.6
CA_BUNDLE="${LAB_CA_BUNDLE:-/etc/ssl/certs/ca-certificates.crt}"
# Debian 12's nginx; the image is named after it, not after the upstream pin it stands in for.
NGINX_VERSION=1.22.1
# The upstream image it replaces when config/defaults.ts pins none (yet).
NGINX_UPSTREAM_DEFAULT=nginx:1.28.0

LOG_PREFIX=platform-images
# shellcheck source=scripts/local-images/lib.sh
source "$HERE/lib.sh"
parse_targets "mariadb registry connect ksqldb opensearch nginx" "$@"
require_engine_and_base
[[ -s $CA_BUNDLE ]] || fail "no CA bundle at $CA_BUNDLE to copy into the images: set LAB_CA_BUNDLE to this machine's bundle"

mkdir -p "$CACHE"
# Two worktrees building at once would compile into the same cache directories and tag twice.
exec 9>"$CACHE/platform-images.lock"
flock 9

# The upstream tag the stack pins for an image setting of config/defaults.ts (e.g. mariadb -> 10.11.19).
pinned_tag() {
  local line
  line="$(grep -E "^\s*$1: '[^']+'," "$ROOT/config/defaults.ts" | head -n1)" ||
    fail "config/defaults.ts has no image pin '$1: ...': the pins moved; update pinned_tag callers in $0"
  line="${line#*\'}"
  line="${line%\'*}"
  printf '%s' "${line##*:}"
}
BUILT=()
SKIPPED=()
# docker_build IMAGE HASH CONTEXT [build args...]: the classic builder (no buildx plugin here), log kept.
docker_build() {
  local image="$1" hash="$2" context="$3" name
  shift 3
  name="${image#lab-local/}"
  name="${name%%:*}"
  log "building $image (log: $CACHE/$name-build.log)"
  DOCKER_BUILDKIT=0 docker build --build-arg "BASE_IMAGE=$BASE_IMAGE" "$@" --label "lab.inputs-sha256=$hash" \
    -t "$image" "$context" >"$CACHE/$name-build.log" 2>&1 ||
    { tail -n 30 "$CACHE/$name-build.log" >&2; fail "docker build of $image failed; its log: $CACHE/$name-build.log"; }
  BUILT+=("$image")
}
up_to_date() {
  if [[ $FORCE -eq 0 && $(image_label "$1" lab.inputs-sha256) == "$2" ]]; then
    log "$1 up to date"
    SKIPPED+=("$1")
    return 0
  fi
  return 1
}
# new_context NAME: a fresh build context in $CONTEXT, removed when the script exits (not in a
# subshell, so that the cleanup list keeps it).
new_context() {
  CONTEXT="$(mktemp -d "$CACHE/$1-context.XXXXXX")"
  CONTEXTS+=("$CONTEXT")
}
CONTEXTS=()
trap 'rm -rf "${CONTEXTS[@]}"' EXIT
# link_jars DEST JAR...: the jars into a build context, as hard links where the cache shares the
# filesystem (no copy of 100-180 MB), else copied.
link_jars() {
  local dest=$1
  shift
  cp -l "$@" "$dest/" 2>/dev/null || cp "$@" "$dest/"
}
BASE_ID="$(docker image inspect --format '{{.Id}}' "$BASE_IMAGE")"

# --- lab-local/mariadb ---------------------------------------------------------------------------
build_mariadb() {
  local image files hash context
  image="lab-local/mariadb:$(pinned_tag mariadb)"
  mapfile -t files < <(find "$HERE/mariadb" -type f | LC_ALL=C sort)
  hash="$( (inputs_hash "${files[@]}"; echo "$BASE_ID") | sha)"
  up_to_date "$image" "$hash" && return
  new_context mariadb
  context="$CONTEXT"
  cp -r "$HERE/mariadb/." "$context/"
  docker_build "$image" "$hash" "$context"
  # The tag is the stack's pin; say which MariaDB Debian actually installed.
  log "$image runs $(docker run --rm --entrypoint mariadbd "$image" --version | sed 's/^.*Ver //')"
}

# --- lab-local/cp-schema-registry ----------------------------------------------------------------
build_registry() {
  local image="lab-local/cp-schema-registry:$SCHEMA_REGISTRY_VERSION" files hash context
  # A fresh machine (CI's clean clone) has no assembled server yet: the setup script makes it from
  # ../shared/schema-registry and Maven Central, and skips at once when it is there.
  [[ -f $SCHEMA_REGISTRY_HOME/.installed ]] || bash "$ROOT/scripts/setup-schema-registry.sh" ||
    fail "Confluent Schema Registry $SCHEMA_REGISTRY_VERSION could not be assembled into $SCHEMA_REGISTRY_HOME (see above)"
  mapfile -t files < <(find "$HERE/schema-registry" "$HERE/common" -type f | LC_ALL=C sort
    find "$SCHEMA_REGISTRY_HOME/jars" "$SCHEMA_REGISTRY_HOME/lib" -name '*.jar' | LC_ALL=C sort)
  hash="$( (inputs_hash "${files[@]}" "$CA_BUNDLE"; echo "$BASE_ID") | sha)"
  up_to_date "$image" "$hash" && return
  new_context registry
  context="$CONTEXT"
  cp "$HERE/schema-registry/Dockerfile" "$context/"
  cp -r "$HERE/schema-registry/docker" "$context/docker"
  cp "$HERE/common/env-to-properties" "$context/docker/"
  cp "$CA_BUNDLE" "$context/ca-certificates.crt"
  mkdir "$context/jars"
  link_jars "$context/jars" "$SCHEMA_REGISTRY_HOME"/jars/*.jar "$SCHEMA_REGISTRY_HOME"/lib/*.jar
  docker_build "$image" "$hash" "$context"
}

# --- the Elasticsearch sink stand-in plugin (Java), cached by the hash of its sources -------------
es_sink_standin() {
  local version="$1" src="$HERE/connect/es-sink-standin" files hash dir classes cp lib
  mapfile -t files < <(find "$src" -type f | LC_ALL=C sort)
  hash="$( (inputs_hash "${files[@]}"; echo "$version"; javac -version 2>&1) | sha)"
  dir="$CACHE/es-sink-standin/$hash/confluentinc-kafka-connect-elasticsearch"
  if [[ $FORCE -eq 1 || ! -f $dir/VERSION ]]; then
    command -v javac >/dev/null 2>&1 || fail "javac is not installed: the stand-in plugin is compiled here (apt-get install openjdk-17-jdk-headless)"
    log "compiling the Elasticsearch sink stand-in plugin ($version-standin) against Kafka Connect 3.9.1" >&2
    rm -rf "${dir%/*}"
    # Called in a command substitution: this function removes its own temporary directory.
    classes="$(mktemp -d "$CACHE/es-sink-classes.XXXXXX")"
    # The worker provides these at run time (Connect's API and JSON converter, Jackson, SLF4J).
    cp=""
    for lib in connect-api connect-json kafka-clients jackson-databind jackson-core jackson-annotations slf4j-api; do
      cp+="$(find "$KAFKA_LIBS" -name "$lib-[0-9]*.jar" | head -n1):"
    done
    # shellcheck disable=SC2046 # the source list
    javac --release 11 -Xlint:all -Werror -d "$classes" -cp "$cp" $(find "$src/src/main/java" -name '*.java') >&2 ||
      fail "javac failed on $src (see above)"
    cp -r "$src/src/main/resources/." "$classes/"
    printf 'version=%s-standin\n' "$version" >"$classes/es-sink-standin.properties"
    mkdir -p "$dir/lib"
    jar --create --file "$dir/lib/kafka-connect-elasticsearch-standin-$version.jar" -C "$classes" . ||
      fail "jar could not package $classes"
    # What Confluent Hub puts beside a plugin, marked as what it is.
    cat >"$dir/manifest.json" <<JSON
{
  "name": "kafka-connect-elasticsearch",
  "owner": { "username": "confluentinc", "name": "Confluent, Inc." },
  "version": "$version-standin",
  "title": "Elasticsearch Sink Connector STAND-IN (not Confluent's connector)",
  "description": "This lab's stand-in: accepts the real connector's configuration keys and writes records with Elasticsearch's _bulk API. Source: scripts/local-images/connect/es-sink-standin.",
  "component_types": ["sink"]
}
JSON
    printf '%s\n' "$version" >"$dir/VERSION"
    rm -rf "$classes"
  fi
  printf '%s' "$dir"
}

# --- lab-local/cp-kafka-connect -------------------------------------------------------------------
build_connect() {
  local image es_version plugin files hash context
  image="lab-local/cp-kafka-connect:$(pinned_tag connectBase)"
  es_version="$(grep -oE "elasticsearchSink: '[^']+'" "$ROOT/platform/connect.ts" | cut -d"'" -f2)"
  [[ -n $es_version ]] ||
    fail "platform/connect.ts has no CONNECT_PLUGINS.elasticsearchSink version: the stand-in's version comes from there"
  [[ -f $KAFKA_LIBS/connect-runtime-3.9.1.jar && -f $ROOT/.cache/kafka/.installed ]] || bash "$ROOT/scripts/setup-integration.sh"
  plugin="$(es_sink_standin "$es_version")"
  mapfile -t files < <(find "$HERE/connect/Dockerfile" "$HERE/connect/docker" "$HERE/connect/bin" "$HERE/common" -type f | LC_ALL=C sort
    find "$plugin" -type f | LC_ALL=C sort; find "$KAFKA_LIBS" -name '*.jar' | LC_ALL=C sort)
  hash="$( (inputs_hash "${files[@]}" "$CA_BUNDLE"; echo "$es_version $BASE_ID") | sha)"
  up_to_date "$image" "$hash" && return
  new_context connect
  context="$CONTEXT"
  cp "$HERE/connect/Dockerfile" "$context/"
  cp -r "$HERE/connect/docker" "$HERE/connect/bin" "$context/"
  cp "$HERE/common/env-to-properties" "$context/docker/"
  cp "$CA_BUNDLE" "$context/ca-certificates.crt"
  mkdir -p "$context/libs" "$context/standins"
  link_jars "$context/libs" "$KAFKA_LIBS"/*.jar
  cp -r "$plugin" "$context/standins/"
  docker_build "$image" "$hash" "$context" --build-arg "STANDIN_ES_VERSION=$es_version"
}

# --- lab-local/cp-ksqldb-server -------------------------------------------------------------------
build_ksqldb() {
  local image="lab-local/cp-ksqldb-server:$KSQLDB_VERSION" files hash context
  # Cached and re-runnable itself: a no-op when .cache/ksqldb is complete and current.
  bash "$ROOT/scripts/setup-ksqldb.sh" ||
    fail "scripts/setup-ksqldb.sh could not assemble ksqlDB into $KSQLDB_HOME (see above)"
  [[ -f $KSQLDB_HOME/jars/ksqldb-rest-app-$KSQLDB_VERSION.jar ]] ||
    fail "$KSQLDB_HOME/jars has no ksqldb-rest-app-$KSQLDB_VERSION.jar: ../shared/ksqldb holds another version; update KSQLDB_VERSION in $0"
  mapfile -t files < <(find "$HERE/ksqldb" "$HERE/common" -type f | LC_ALL=C sort
    find "$KSQLDB_HOME/jars" "$KSQLDB_HOME/lib" -name '*.jar' | LC_ALL=C sort)
  hash="$( (inputs_hash "${files[@]}"; echo "$BASE_ID") | sha)"
  up_to_date "$image" "$hash" && return
  new_context ksqldb
  context="$CONTEXT"
  cp "$HERE/ksqldb/Dockerfile" "$context/"
  cp -r "$HERE/ksqldb/docker" "$HERE/ksqldb/bin" "$context/"
  cp "$HERE/common/env-to-properties" "$context/docker/"
  mkdir "$context/jars" "$context/lib"
  link_jars "$context/jars" "$KSQLDB_HOME"/jars/*.jar
  link_jars "$context/lib" "$KSQLDB_HOME"/lib/*.jar
  docker_build "$image" "$hash" "$context"
}

# --- lab-local/opensearch-node -------------------------------------------------------------------
build_opensearch() {
  local image="lab-local/opensearch-node:$OPENSEARCH_VERSION" files hash context
  # Cached and re-runnable itself: a no-op when .cache/opensearch is complete and current.
  bash "$ROOT/scripts/setup-opensearch.sh" ||
    fail "scripts/setup-opensearch.sh could not assemble OpenSearch into $OPENSEARCH_HOME (see above)"
  [[ -f $OPENSEARCH_HOME/lib/opensearch-$OPENSEARCH_VERSION.jar ]] ||
    fail "$OPENSEARCH_HOME/lib has no opensearch-$OPENSEARCH_VERSION.jar: tools/opensearch-node/pom.xml names another version; update OPENSEARCH_VERSION in $0"
  mapfile -t files < <(find "$HERE/opensearch" -type f | LC_ALL=C sort
    find "$OPENSEARCH_HOME/classes" "$OPENSEARCH_HOME/config" -type f | LC_ALL=C sort
    find "$OPENSEARCH_HOME/lib" -name '*.jar' | LC_ALL=C sort)
  hash="$( (inputs_hash "${files[@]}"; echo "$BASE_ID") | sha)"
  up_to_date "$image" "$hash" && return
  new_context opensearch
  context="$CONTEXT"
  cp "$HERE/opensearch/Dockerfile" "$context/"
  cp -r "$HERE/opensearch/docker" "$OPENSEARCH_HOME/classes" "$context/"
  mkdir "$context/config" "$context/lib"
  cp "$HERE/opensearch/config/"* "$OPENSEARCH_HOME/config/"* "$context/config/"
  link_jars "$context/lib" "$OPENSEARCH_HOME"/lib/*.jar
  docker_build "$image" "$hash" "$context"
}

# --- lab-local/nginx -----------------------------------------------------------------------------
build_nginx() {
  local image="lab-local/nginx:$NGINX_VERSION" upstream files hash context version
  # Whatever setting holds it, the stack's nginx pin is the one 'nginx:<tag>' in config/defaults.ts.
  upstream="$(grep -oE "'nginx:[^']+'" "$ROOT/config/defaults.ts" | head -n1 | tr -d "'")" || true
  upstream="${upstream:-$NGINX_UPSTREAM_DEFAULT}"
  mapfile -t files < <(find "$HERE/nginx" -type f | LC_ALL=C sort)
  hash="$( (inputs_hash "${files[@]}"; echo "$upstream $BASE_ID") | sha)"
  up_to_date "$image" "$hash" && return
  new_context nginx
  context="$CONTEXT"
  cp -r "$HERE/nginx/." "$context/"
  docker_build "$image" "$hash" "$context" --build-arg "NGINX_UPSTREAM=$upstream"
  # The tag says which nginx runs: a Debian update that moved it must rename the image.
  version="$(docker run --rm "$image" nginx -v 2>&1)"
  [[ $version == "nginx version: nginx/$NGINX_VERSION" ]] ||
    fail "$image runs '$version', not nginx/$NGINX_VERSION: Debian's package moved; update NGINX_VERSION in $0"
  log "$image runs nginx/$NGINX_VERSION for $upstream"
}

if wants mariadb; then build_mariadb; fi
if wants registry; then build_registry; fi
if wants connect; then build_connect; fi
if wants ksqldb; then build_ksqldb; fi
if wants opensearch; then build_opensearch; fi
if wants nginx; then build_nginx; fi
log "built: ${BUILT[*]:-nothing}; up to date: ${SKIPPED[*]:-none}"
docker image ls --format '{{.Repository}}:{{.Tag}}  {{.Size}}' |
  grep -E '^lab-local/(mariadb|cp-schema-registry|cp-kafka-connect|cp-ksqldb-server|opensearch-node|nginx):' | sed 's/^/[platform-images] /'
