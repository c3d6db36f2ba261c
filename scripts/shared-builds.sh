# Sourced by setup-ksqldb.sh and setup-schema-registry.sh (not run): assembles one of the builds in
# the project's shared folder (../shared/<name>: the jars no registry serves plus a pom of the rest)
# into .cache/<name>. The caller sets LOG_PREFIX, NAME (the folder under ../shared and .cache),
# and optionally EXTRAS_POM (another pom whose jars go to .cache/<name>/test-lib) and COPY_CONFIG=1.
# The marker .cache/<name>/.installed holds a hash of the inputs (pom contents, jar names and
# sizes), so a checkout's file times never force a copy, and a changed input always does.

log() { echo "[$LOG_PREFIX] $*"; }
fail() { echo "[$LOG_PREFIX] error: $*" >&2; exit 1; }

assemble_shared_build() {
  local root shared src out stamp force=0 hash
  root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
  shared="${LAB_SHARED_DIR:-$root/../shared}"
  src="$shared/$NAME"
  out="$root/.cache/$NAME"
  stamp="$out/.installed"
  [[ "${1:-}" == "--force" ]] && force=1

  [[ -f "$src/pom.xml" && -d "$src/jars" ]] ||
    fail "no $NAME build at $src (expected pom.xml and jars/): set LAB_SHARED_DIR to the folder that holds ksqldb/ and schema-registry/"
  command -v java >/dev/null 2>&1 || fail "java is missing: run scripts/setup-integration.sh (installs OpenJDK 17), or apt-get install openjdk-17-jre-headless"
  command -v mvn >/dev/null 2>&1 || fail "mvn is missing: run scripts/setup-integration.sh (installs Maven), or apt-get install maven"

  mkdir -p "$out"
  exec 9>"$out/.lock"
  flock 9

  hash="$( { sha256sum "$src/pom.xml" ${EXTRAS_POM:+"$EXTRAS_POM"} | cut -d' ' -f1; find "$src/jars" -name '*.jar' -printf '%f %s\n' | LC_ALL=C sort; } | sha256sum | cut -d' ' -f1)"
  if [[ $force -eq 0 && -f "$stamp" && "$(cat "$stamp")" == "$hash" ]]; then
    log "present in $out: $(ls "$out/jars" | wc -l) shared jars, $(ls "$out/lib" | wc -l) Maven Central jars"
    return 0
  fi

  rm -rf "$out/jars" "$out/lib" "$out/test-lib" "$out/config" "$stamp"
  mkdir -p "$out/jars"
  cp "$src"/jars/*.jar "$out/jars/"
  if [[ ${COPY_CONFIG:-0} -eq 1 ]]; then
    mkdir -p "$out/config"
    cp "$src"/config/log4j*.properties "$out/config/"
  fi
  log "fetching the Maven Central jars of $src/pom.xml (cached in ~/.m2; 100-170 MB the first time)"
  mvn -B -q -Dstyle.color=never -f "$src/pom.xml" dependency:copy-dependencies -DoutputDirectory="$out/lib" ||
    fail "Maven could not copy the jars of $src/pom.xml (its output is above)"
  if [[ -f "$src/SHA256SUMS-lib.txt" ]]; then
    (cd "$out/lib" && sha256sum --quiet -c "$src/SHA256SUMS-lib.txt") ||
      fail "the jars in $out/lib differ from $src/SHA256SUMS-lib.txt (see the lines above); run again with --force"
  fi
  if [[ -n ${EXTRAS_POM:-} ]]; then
    log "fetching the jars of $EXTRAS_POM"
    mvn -B -q -Dstyle.color=never -f "$EXTRAS_POM" dependency:copy-dependencies -DoutputDirectory="$out/test-lib" ||
      fail "Maven could not copy the jars of $EXTRAS_POM (its output is above)"
  fi
  echo "$hash" >"$stamp"
  log "done: $(ls "$out/jars" | wc -l) shared jars, $(ls "$out/lib" | wc -l) Maven Central jars in $out"
}
