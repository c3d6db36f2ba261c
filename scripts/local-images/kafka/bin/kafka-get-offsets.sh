#!/usr/bin/env bash
# kafka-get-offsets.sh: the offsets of a topic's partitions.
exec "$(dirname "${BASH_SOURCE[0]}")/kafka-run-class.sh" org.apache.kafka.tools.GetOffsetShell "$@"
