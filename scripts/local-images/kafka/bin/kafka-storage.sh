#!/usr/bin/env bash
# kafka-storage.sh: format and inspect KRaft log dirs (random-uuid, format, info).
exec "$(dirname "${BASH_SOURCE[0]}")/kafka-run-class.sh" kafka.tools.StorageTool "$@"
