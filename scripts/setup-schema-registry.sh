#!/usr/bin/env bash
# Assembles Confluent's Schema Registry 7.9.9 server (Avro, Protobuf and JSON Schema providers),
# built from its public sources, from the project's shared folder (the jars no registry serves,
# ../shared/schema-registry/jars, and the pom of the rest) plus Maven Central (DESIGN.md section 4):
#   .cache/schema-registry/jars/   the shared jars, copied (the local registry image's build context takes them)
#   .cache/schema-registry/lib/    the Maven Central jars of ../shared/schema-registry/pom.xml
# The classpath is jars/*:lib/*; main class io.confluent.kafka.schemaregistry.rest.SchemaRegistryMain.
#
# Where the shared folder is: LAB_SHARED_DIR, default ../shared beside the checkout (where CI and
# every session have it). Re-runnable: skipped while the inputs' hash equals the marker's; --force
# copies again.
# Usage: bash scripts/setup-schema-registry.sh [--force]
set -euo pipefail
LOG_PREFIX=setup-schema-registry
NAME=schema-registry
# shellcheck source=scripts/shared-builds.sh
source "$(dirname "${BASH_SOURCE[0]}")/shared-builds.sh"
assemble_shared_build "$@"
