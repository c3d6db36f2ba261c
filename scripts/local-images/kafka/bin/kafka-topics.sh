#!/usr/bin/env bash
# kafka-topics.sh: create, list, describe, alter and delete topics.
exec "$(dirname "${BASH_SOURCE[0]}")/kafka-run-class.sh" org.apache.kafka.tools.TopicCommand "$@"
