#!/usr/bin/env bash
# kafka-consumer-groups.sh: list, describe and reset consumer groups.
exec "$(dirname "${BASH_SOURCE[0]}")/kafka-run-class.sh" org.apache.kafka.tools.consumer.group.ConsumerGroupCommand "$@"
