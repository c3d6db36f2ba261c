import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { KAFKA_CLASSPATH } from './paths';

/** Kafka 3.x logs through log4j 1 (reload4j): everything at INFO to stdout, which goes to the log file. */
export function writeLog4jConfig(dir: string): string {
  const file = join(dir, 'log4j.properties');
  writeFileSync(
    file,
    [
      'log4j.rootLogger=INFO, stdout',
      'log4j.appender.stdout=org.apache.log4j.ConsoleAppender',
      'log4j.appender.stdout.layout=org.apache.log4j.PatternLayout',
      'log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n',
      // The quiet loggers of Kafka's own config/log4j.properties.
      'log4j.logger.org.apache.kafka.clients=WARN',
      'log4j.logger.kafka.request.logger=WARN',
      'log4j.logger.org.reflections=ERROR',
      '',
    ].join('\n'),
  );
  return file;
}

/** The java command line for `mainClass` from the Kafka jars: small heap, G1 as Kafka's scripts use. */
export function kafkaJavaArgs(options: {
  heapMb: number;
  log4jFile: string;
  mainClass: string;
  args: readonly string[];
}): string[] {
  return [
    `-Xms${Math.min(128, options.heapMb)}m`,
    `-Xmx${options.heapMb}m`,
    '-XX:+UseG1GC',
    '-XX:MaxGCPauseMillis=20',
    '-Djava.awt.headless=true',
    `-Dlog4j.configuration=file:${options.log4jFile}`,
    '-cp',
    KAFKA_CLASSPATH,
    options.mainClass,
    ...options.args,
  ];
}

/** Runs a short Kafka tool to completion (storage format); throws with its output when it fails. */
export function runKafkaTool(what: string, args: string[]): string {
  const result = spawnSync('java', args, { encoding: 'utf8', timeout: 120_000 });
  const output = `${result.stdout ?? ''}${result.stderr ?? ''}`;
  if (result.status !== 0) {
    throw new Error(`${what} failed (${result.status ?? result.signal ?? result.error?.message}):\n${output}`);
  }
  return output;
}
