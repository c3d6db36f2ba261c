#!/usr/bin/env bash
# Assembles ksqlDB 7.9.9 (server and test runner), built from its public sources, from the project's
# shared folder (the jars no registry serves, ../shared/ksqldb/jars, and the pom of the rest) plus
# Maven Central (DESIGN.md section 4):
#   .cache/ksqldb/jars/      the shared jars, copied (the local ksqlDB image's build context takes them)
#   .cache/ksqldb/lib/       the 172 Maven Central jars of ../shared/ksqldb/pom.xml, checked against
#                            its SHA256SUMS-lib.txt
#   .cache/ksqldb/test-lib/  what only the test runner needs (tools/maven/ksqldb-test-runner/pom.xml)
#   .cache/ksqldb/config/    the shared log4j configurations
# The server's classpath is jars/*:lib/*, the test runner's adds test-lib/*.
#
# Where the shared folder is: LAB_SHARED_DIR, default ../shared beside the checkout (where CI and
# every session have it). Re-runnable: skipped when the marker of a complete copy is newer than
# both poms and the shared jars; --force copies again.
# Usage: bash scripts/setup-ksqldb.sh [--force]
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SHARED="${LAB_SHARED_DIR:-$ROOT/../shared}"
SRC="$SHARED/ksqldb"
OUT="$ROOT/.cache/ksqldb"
EXTRAS_POM="$ROOT/tools/maven/ksqldb-test-runner/pom.xml"
STAMP="$OUT/.installed"
FORCE=0
[[ "${1:-}" == "--force" ]] && FORCE=1

log() { echo "[setup-ksqldb] $*"; }
fail() { echo "[setup-ksqldb] error: $*" >&2; exit 1; }

[[ -f "$SRC/pom.xml" && -d "$SRC/jars" ]] ||
  fail "no ksqlDB build at $SRC (expected pom.xml and jars/): set LAB_SHARED_DIR to the folder that holds ksqldb/ and schema-registry/"
command -v java >/dev/null 2>&1 || fail "java is missing: run scripts/setup-integration.sh (installs OpenJDK 17), or apt-get install openjdk-17-jre-headless"
command -v mvn >/dev/null 2>&1 || fail "mvn is missing: run scripts/setup-integration.sh (installs Maven), or apt-get install maven"

mkdir -p "$OUT"
exec 9>"$OUT/.lock"
flock 9

newest_input() { find "$SRC/pom.xml" "$SRC/jars" "$EXTRAS_POM" -newer "$STAMP" -print -quit 2>/dev/null; }
if [[ $FORCE -eq 0 && -f "$STAMP" && -z "$(newest_input)" ]]; then
  log "present: $(ls "$OUT/jars" | wc -l) shared jars, $(ls "$OUT/lib" | wc -l) Maven Central jars, $(ls "$OUT/test-lib" | wc -l) test-runner jars"
  exit 0
fi

rm -rf "$OUT/jars" "$OUT/lib" "$OUT/test-lib" "$OUT/config" "$STAMP"
mkdir -p "$OUT/jars" "$OUT/config"
cp "$SRC"/jars/*.jar "$OUT/jars/"
cp "$SRC"/config/log4j*.properties "$OUT/config/"
log "fetching the server's Maven Central jars (cached in ~/.m2; about 170 MB the first time)"
mvn -B -q -Dstyle.color=never -f "$SRC/pom.xml" dependency:copy-dependencies -DoutputDirectory="$OUT/lib" ||
  fail "Maven could not copy the jars of $SRC/pom.xml (its output is above)"
if [[ -f "$SRC/SHA256SUMS-lib.txt" ]]; then
  (cd "$OUT/lib" && sha256sum --quiet -c "$SRC/SHA256SUMS-lib.txt") ||
    fail "the jars in $OUT/lib differ from $SRC/SHA256SUMS-lib.txt (see the lines above); run again with --force"
fi
log "fetching the test runner's extra jars"
mvn -B -q -Dstyle.color=never -f "$EXTRAS_POM" dependency:copy-dependencies -DoutputDirectory="$OUT/test-lib" ||
  fail "Maven could not copy the jars of $EXTRAS_POM (its output is above)"
touch "$STAMP"
log "done: $(ls "$OUT/jars" | wc -l) shared jars, $(ls "$OUT/lib" | wc -l) Maven Central jars, $(ls "$OUT/test-lib" | wc -l) test-runner jars in $OUT"
