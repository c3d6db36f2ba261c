#!/usr/bin/env bash
# kafka-broker-api-versions.sh: the API versions each broker supports (the stack's health check used it until it became a bash ApiVersions probe).
exec "$(dirname "${BASH_SOURCE[0]}")/kafka-run-class.sh" kafka.admin.BrokerApiVersionsCommand "$@"
