#!/usr/bin/env bash
# Assembles Confluent's Schema Registry 7.9.9 server (Avro, Protobuf and JSON Schema providers),
# built from its public sources, from the project's shared folder (the jars no registry serves,
# ../shared/schema-registry/jars, and the pom of the rest) plus Maven Central (DESIGN.md section 4):
#   .cache/schema-registry/jars/   the shared jars, copied (the local registry image's build context takes them)
#   .cache/schema-registry/lib/    the Maven Central jars of ../shared/schema-registry/pom.xml
# The classpath is jars/*:lib/*; main class io.confluent.kafka.schemaregistry.rest.SchemaRegistryMain.
#
# Where the shared folder is: LAB_SHARED_DIR, default ../shared beside the checkout (where CI and
# every session have it). Re-runnable: skipped when the marker of a complete copy is newer than the
# pom and the shared jars; --force copies again.
# Usage: bash scripts/setup-schema-registry.sh [--force]
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SHARED="${LAB_SHARED_DIR:-$ROOT/../shared}"
SRC="$SHARED/schema-registry"
OUT="$ROOT/.cache/schema-registry"
STAMP="$OUT/.installed"
FORCE=0
[[ "${1:-}" == "--force" ]] && FORCE=1

log() { echo "[setup-schema-registry] $*"; }
fail() { echo "[setup-schema-registry] error: $*" >&2; exit 1; }

[[ -f "$SRC/pom.xml" && -d "$SRC/jars" ]] ||
  fail "no Schema Registry build at $SRC (expected pom.xml and jars/): set LAB_SHARED_DIR to the folder that holds ksqldb/ and schema-registry/"
command -v java >/dev/null 2>&1 || fail "java is missing: run scripts/setup-integration.sh (installs OpenJDK 17), or apt-get install openjdk-17-jre-headless"
command -v mvn >/dev/null 2>&1 || fail "mvn is missing: run scripts/setup-integration.sh (installs Maven), or apt-get install maven"

mkdir -p "$OUT"
exec 9>"$OUT/.lock"
flock 9

if [[ $FORCE -eq 0 && -f "$STAMP" && -z "$(find "$SRC/pom.xml" "$SRC/jars" -newer "$STAMP" -print -quit 2>/dev/null)" ]]; then
  log "present: $(ls "$OUT/jars" | wc -l) shared jars, $(ls "$OUT/lib" | wc -l) Maven Central jars"
  exit 0
fi

rm -rf "$OUT/jars" "$OUT/lib" "$STAMP"
mkdir -p "$OUT/jars"
cp "$SRC"/jars/*.jar "$OUT/jars/"
log "fetching the server's Maven Central jars (cached in ~/.m2; about 100 MB the first time)"
mvn -B -q -Dstyle.color=never -f "$SRC/pom.xml" dependency:copy-dependencies -DoutputDirectory="$OUT/lib" ||
  fail "Maven could not copy the jars of $SRC/pom.xml (its output is above)"
touch "$STAMP"
log "done: $(ls "$OUT/jars" | wc -l) shared jars, $(ls "$OUT/lib" | wc -l) Maven Central jars in $OUT"
