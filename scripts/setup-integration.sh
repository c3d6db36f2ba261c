#!/usr/bin/env bash
# Installs the real services that the integration tests and benchmarks run on this machine:
#   - Apache Kafka 3.9.1 (broker, Connect worker, ProducerPerformance) as jars in .cache/kafka/libs
#   - the Debezium MariaDB connector 3.1.0.Final unpacked in .cache/connect-plugins/
#   - MariaDB server from Debian (mariadbd, mariadb-install-db, the mariadb client)
#   - nginx from Debian (the authenticating proxy's software; its own service is neither started
#     nor enabled: the tests run their own nginx processes)
# Versions are those the stack deploys; the Maven ones live in tools/maven/pom.xml.
#
# Re-runnable: each part is skipped when it is already there (jars in ~/.m2 and .cache/ are reused).
# Non-interactive; needs root only when MariaDB or Java/Maven are missing (apt-get).
# Usage: bash scripts/setup-integration.sh [--force]   (--force re-copies the jars and the plugin)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CACHE="$ROOT/.cache"
LIBS="$CACHE/kafka/libs"
PLUGIN="$CACHE/connect-plugins/debezium-connector-mariadb"
POM="$ROOT/tools/maven/pom.xml"
FORCE=0
[[ "${1:-}" == "--force" ]] && FORCE=1
export DEBIAN_FRONTEND=noninteractive

log() { echo "[setup-integration] $*"; }

# One `apt-get update` per run, and only if something must be installed.
APT_UPDATED=0
apt_install() {
  if [[ $(id -u) -ne 0 ]]; then
    echo "[setup-integration] error: $* missing and this is not root; install it with: sudo apt-get install -y $*" >&2
    exit 1
  fi
  if [[ $APT_UPDATED -eq 0 ]]; then
    apt-get update -q
    APT_UPDATED=1
  fi
  apt-get install -y -q --no-install-recommends "$@"
}

# Concurrent runs (two test workers, a developer and CI) would interleave Maven copies.
mkdir -p "$CACHE"
exec 9>"$CACHE/setup-integration.lock"
flock 9

if ! command -v java >/dev/null 2>&1; then
  log "Java missing: installing openjdk-17-jre-headless"
  apt_install openjdk-17-jre-headless
fi
# integration/pinot compiles its checker of the Pinot configs against pinot-spi.
if ! command -v javac >/dev/null 2>&1; then
  log "javac missing: installing openjdk-17-jdk-headless"
  apt_install openjdk-17-jdk-headless
fi
if ! command -v mvn >/dev/null 2>&1; then
  log "Maven missing: installing maven"
  apt_install maven
fi

# The jar set is complete when the marker written after a successful copy is newer than the pom.
STAMP="$CACHE/kafka/.installed"
if [[ $FORCE -eq 1 || ! -f "$STAMP" || "$POM" -nt "$STAMP" || ! -f "$PLUGIN/debezium-connector-mariadb-3.1.0.Final.jar" ]]; then
  log "fetching Kafka jars and the Debezium plugin from Maven Central (cached in ~/.m2)"
  rm -rf "$LIBS" "$PLUGIN" "$CACHE/maven-markers"
  mkdir -p "$LIBS" "$CACHE/connect-plugins"
  mvn -B -q -Dstyle.color=never -f "$POM" dependency:copy-dependencies dependency:unpack
  [[ -f "$LIBS/kafka_2.13-3.9.1.jar" ]] || { echo "[setup-integration] error: kafka_2.13-3.9.1.jar not in $LIBS after Maven ran; see Maven's output above" >&2; exit 1; }
  [[ -d "$PLUGIN" ]] || { echo "[setup-integration] error: Debezium plugin not unpacked into $PLUGIN; see Maven's output above" >&2; exit 1; }
  touch "$STAMP"
else
  log "Kafka jars and Debezium plugin present ($(ls "$LIBS" | wc -l) jars)"
fi

# Debian installs mariadbd under /usr/sbin, which a non-login PATH may lack.
if ! command -v mariadbd >/dev/null 2>&1 && [[ ! -x /usr/sbin/mariadbd ]]; then
  log "MariaDB missing: installing mariadb-server from Debian"
  apt_install mariadb-server mariadb-client
  # The package starts its own service on port 3306; the tests run their own servers, so stop it.
  if command -v service >/dev/null 2>&1; then service mariadb stop >/dev/null 2>&1 || true; fi
else
  log "MariaDB present: $(/usr/sbin/mariadbd --version 2>/dev/null || mariadbd --version)"
fi

# Debian's nginx package starts and enables a server on port 80 unless told otherwise. A policy-rc.d
# that forbids service starts (Docker's Debian images have one) is put in place for the install
# only, if there is none; the service is then disabled for the next boot as well.
if ! command -v nginx >/dev/null 2>&1 && [[ ! -x /usr/sbin/nginx ]]; then
  log "nginx missing: installing nginx from Debian (its service not started)"
  POLICY=/usr/sbin/policy-rc.d
  if [[ $(id -u) -eq 0 && ! -e $POLICY ]]; then
    printf '#!/bin/sh\nexit 101\n' >"$POLICY"
    chmod +x "$POLICY"
    trap 'rm -f "$POLICY"' EXIT
  fi
  apt_install nginx
  if [[ -e /etc/init.d/nginx ]]; then update-rc.d nginx disable >/dev/null 2>&1 || true; fi
  if [[ -d /run/systemd/system ]]; then systemctl disable --now nginx >/dev/null 2>&1 || true; fi
else
  log "nginx present: $( (/usr/sbin/nginx -v 2>&1 || nginx -v 2>&1) | sed 's/^nginx version: //')"
fi

log "done"
