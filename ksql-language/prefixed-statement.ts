import { deployedTopicName } from '../lib/topic-prefix';
import type { KsqlStatement } from './parser';
import { statementTopic } from './validator';

const escapeRegex = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The statement's text as sent to ksqlDB on a cluster with kafka.topicPrefix: its KAFKA_TOPIC
 * names the deployed topic. The scripts name declared topics; every statement that writes or reads
 * a topic names it (the validator requires it), so nothing ksqlDB derives escapes the prefix.
 */
export function statementWithTopicPrefix(s: KsqlStatement, prefix: string): string {
  const topic = statementTopic(s);
  if (!prefix || topic === undefined) return s.statement;
  const property = new RegExp(`(KAFKA_TOPIC\\s*=\\s*')${escapeRegex(topic)}(')`, 'gi');
  const matches = s.statement.match(property)?.length ?? 0;
  if (matches !== 1) {
    // The parser found KAFKA_TOPIC='<topic>' in this statement; anything else is a bug here, not in the script.
    throw new Error(`${s.file}:${s.line}: ${s.name}: expected one KAFKA_TOPIC='${topic}' in the statement text to prefix, found ${matches}`);
  }
  return s.statement.replace(property, `$1${deployedTopicName(prefix, topic)}$2`);
}
