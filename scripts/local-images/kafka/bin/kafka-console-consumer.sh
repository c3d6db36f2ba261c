#!/usr/bin/env bash
# kafka-console-consumer.sh: records of a topic to stdout.
exec "$(dirname "${BASH_SOURCE[0]}")/kafka-run-class.sh" org.apache.kafka.tools.consumer.ConsoleConsumer "$@"
