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
# every session have it). Re-runnable: skipped while the inputs' hash equals the marker's; --force
# copies again.
# Usage: bash scripts/setup-ksqldb.sh [--force]
set -euo pipefail
LOG_PREFIX=setup-ksqldb
NAME=ksqldb
EXTRAS_POM="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/tools/maven/ksqldb-test-runner/pom.xml"
COPY_CONFIG=1
# shellcheck source=scripts/shared-builds.sh
source "$(dirname "${BASH_SOURCE[0]}")/shared-builds.sh"
assemble_shared_build "$@"
