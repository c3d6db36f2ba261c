#!/usr/bin/env bash
# kafka-console-producer.sh: records from stdin to a topic.
exec "$(dirname "${BASH_SOURCE[0]}")/kafka-run-class.sh" kafka.tools.ConsoleProducer "$@"
