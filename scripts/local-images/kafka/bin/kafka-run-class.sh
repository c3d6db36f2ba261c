#!/usr/bin/env bash
# kafka-run-class.sh CLASS [ARGS...]: runs a Kafka main class on the jars in /opt/kafka/libs.
# Written for lab-local/kafka (the distribution's bin/ scripts are not on Maven Central); it reads
# the same environment variables as Kafka's own launcher, so KAFKA_HEAP_OPTS, KAFKA_OPTS and the
# others mean what the apache/kafka image documents: JAVA_HOME, KAFKA_HEAP_OPTS,
# KAFKA_JVM_PERFORMANCE_OPTS, KAFKA_GC_LOG_OPTS, KAFKA_JMX_OPTS (+ JMX_PORT), KAFKA_LOG4J_OPTS,
# KAFKA_OPTS, CLASSPATH. Kafka's -daemon, -name and -loggc options are not supported.
set -euo pipefail
[[ $# -ge 1 ]] || { echo "usage: $0 CLASS [ARGS...]" >&2; exit 2; }
case "$1" in -daemon | -name | -loggc) echo "$0: $1 is not supported by this launcher" >&2; exit 2 ;; esac

base_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
classpath="${CLASSPATH:+$CLASSPATH:}$base_dir/libs/*"

# Tools log WARN to stderr unless told otherwise; before the entrypoint has written
# config/tools-log4j.properties (a tool run in a fresh container) the image's default is used.
if [[ -z ${KAFKA_LOG4J_OPTS:-} ]]; then
  log4j="$base_dir/config/tools-log4j.properties"
  [[ -f $log4j ]] || log4j=/etc/kafka/docker/tools-log4j.properties
  KAFKA_LOG4J_OPTS="-Dlog4j.configuration=file:$log4j"
fi
# Kafka's own defaults: a small heap for tools, G1 with short pauses.
heap_opts="${KAFKA_HEAP_OPTS:--Xmx256M}"
performance_opts="${KAFKA_JVM_PERFORMANCE_OPTS:--server -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:InitiatingHeapOccupancyPercent=35 -XX:+ExplicitGCInvokesConcurrent -XX:MaxInlineLevel=15 -Djava.awt.headless=true}"
jmx_opts=""
if [[ -n ${JMX_PORT:-} ]]; then
  jmx_opts="${KAFKA_JMX_OPTS:--Dcom.sun.management.jmxremote -Dcom.sun.management.jmxremote.authenticate=false -Dcom.sun.management.jmxremote.ssl=false} -Dcom.sun.management.jmxremote.port=$JMX_PORT"
fi

# The *_OPTS variables hold several options each: word splitting is wanted here.
# shellcheck disable=SC2086
exec "$java" $heap_opts $performance_opts ${KAFKA_GC_LOG_OPTS:-} $jmx_opts $KAFKA_LOG4J_OPTS \
  -Dkafka.logs.dir="${LOG_DIR:-$base_dir/logs}" -cp "$classpath" ${KAFKA_OPTS:-} "$@"
