#!/usr/bin/env bash
# kafka-server-start.sh server.properties: the broker (kafka.Kafka) with the broker's log4j config
# and Kafka's default broker heap unless KAFKA_LOG4J_OPTS / KAFKA_HEAP_OPTS say otherwise.
set -euo pipefail
[[ $# -ge 1 ]] || { echo "usage: $0 server.properties [--override property=value]..." >&2; exit 2; }
bin="$(dirname "${BASH_SOURCE[0]}")"
export KAFKA_LOG4J_OPTS="${KAFKA_LOG4J_OPTS:--Dlog4j.configuration=file:$bin/../config/log4j.properties}"
export KAFKA_HEAP_OPTS="${KAFKA_HEAP_OPTS:--Xmx1G -Xms1G}"
exec "$bin/kafka-run-class.sh" kafka.Kafka "$@"
