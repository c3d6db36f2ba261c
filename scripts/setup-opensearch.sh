#!/usr/bin/env bash
# Assembles OpenSearch 2.19.6 (Apache-2.0), the real search engine the integration tests and the
# local image lab-local/opensearch-node run in Elasticsearch's place (DESIGN.md section 4), from
# Maven Central jars only:
#   .cache/opensearch/lib/       the server, the netty4 / analysis-common / mapper-extras modules
#                                and their dependencies (tools/opensearch-node/pom.xml)
#   .cache/opensearch/classes/   our main, lab.opensearch.LabOpenSearchNode, compiled against them
#   .cache/opensearch/config/    its log4j2.properties
# Run a node with: java -cp '.cache/opensearch/classes:.cache/opensearch/lib/*'
#   lab.opensearch.LabOpenSearchNode -E path.home=<dir> -E http.port=9200 ...
#
# Re-runnable: each part is skipped while its marker holds the hash of its inputs: the jars
# (.cache/opensearch/.lib-installed: the pom) and the main (.cache/opensearch/.installed: the pom,
# the main's sources and config, javac's version), so an edit of the main compiles without Maven.
# Maven's downloads stay in ~/.m2.
# Usage: bash scripts/setup-opensearch.sh [--force]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SRC="$ROOT/tools/opensearch-node"
OUT="$ROOT/.cache/opensearch"
STAMP="$OUT/.installed"
LIB_STAMP="$OUT/.lib-installed"
MAIN_CLASS=lab.opensearch.LabOpenSearchNode
FORCE=0
[[ "${1:-}" == "--force" ]] && FORCE=1

log() { echo "[setup-opensearch] $*"; }
fail() { echo "[setup-opensearch] error: $*" >&2; exit 1; }

command -v javac >/dev/null 2>&1 || fail "javac is missing: run scripts/setup-integration.sh (installs OpenJDK 17), or apt-get install openjdk-17-jdk-headless"
command -v mvn >/dev/null 2>&1 || fail "mvn is missing: run scripts/setup-integration.sh (installs Maven), or apt-get install maven"

mkdir -p "$OUT"
# Two test runs or worktrees at once would copy into the same directories.
exec 9>"$OUT/.lock"
flock 9

lib_hash="$(sha256sum <"$SRC/pom.xml" | cut -d' ' -f1)"
hash="$( { echo "$lib_hash"; find "$SRC" -type f | LC_ALL=C sort | xargs sha256sum | sed "s#  $ROOT/#  #"; javac -version 2>&1; } | sha256sum | cut -d' ' -f1)"
if [[ $FORCE -eq 0 && -f $STAMP && "$(cat "$STAMP")" == "$hash" ]]; then
  log "present in $OUT: $(ls "$OUT/lib" | wc -l) jars and $MAIN_CLASS"
  exit 0
fi
rm -f "$STAMP"

if [[ $FORCE -eq 1 || ! -f $LIB_STAMP || "$(cat "$LIB_STAMP")" != "$lib_hash" ]]; then
  rm -rf "$OUT/lib" "$LIB_STAMP"
  log "fetching OpenSearch's jars from Maven Central (cached in ~/.m2; about 45 MB the first time)"
  mvn -B -q -Dstyle.color=never -f "$SRC/pom.xml" dependency:copy-dependencies -DoutputDirectory="$OUT/lib" ||
    fail "Maven could not copy the jars of $SRC/pom.xml (its output is above)"
  [[ -f $OUT/lib/opensearch-2.19.6.jar ]] || fail "opensearch-2.19.6.jar is not in $OUT/lib after Maven ran (see above)"
  echo "$lib_hash" >"$LIB_STAMP"
fi

log "compiling $MAIN_CLASS"
rm -rf "$OUT/classes" "$OUT/config"
mkdir -p "$OUT/classes"
# shellcheck disable=SC2046 # the source list
javac --release 17 -Xlint:all -Werror -d "$OUT/classes" -cp "$OUT/lib/*" $(find "$SRC/src/main/java" -name '*.java') ||
  fail "javac failed on $SRC/src/main/java (see above)"
cp -r "$SRC/config" "$OUT/config"
echo "$hash" >"$STAMP"
log "done: $(ls "$OUT/lib" | wc -l) jars in $OUT/lib, $MAIN_CLASS in $OUT/classes"
