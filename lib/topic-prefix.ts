/**
 * Kafka allows topic names of ASCII letters, digits, '.', '_' and '-', at most 249 characters. A
 * prefix of at most 40 leaves room for the longest name the stack derives from it (a ksqlDB
 * internal topic carries the prefix, its service id and a query id).
 */
export const TOPIC_PREFIX_PATTERN = /^[A-Za-z0-9._-]{0,40}$/;
export const TOPIC_PREFIX_RULE = "empty, or at most 40 of the characters Kafka allows in topic names: ASCII letters, digits, '.', '_' and '-' (e.g. 'team1.lab.')";

/**
 * The name a declared topic (a dataset's topic, a ksqlDB script's KAFKA_TOPIC, an internal topic
 * of a service) has on the cluster: the one place that applies kafka.topicPrefix.
 */
export function deployedTopicName(prefix: string, declared: string): string {
  return `${prefix}${declared}`;
}

/** The environment variable through which the Node clients (generators, payments API) get the prefix. */
export const TOPIC_PREFIX_ENV = 'KAFKA_TOPIC_PREFIX';

/** The prefix from the environment; throws naming the variable and the rule when it is not one. */
export function topicPrefixFromEnv(env: Readonly<Record<string, string | undefined>>): string {
  const prefix = env[TOPIC_PREFIX_ENV] ?? '';
  if (!TOPIC_PREFIX_PATTERN.test(prefix)) throw new Error(`${TOPIC_PREFIX_ENV} '${prefix}' is not a topic prefix; allowed: ${TOPIC_PREFIX_RULE}`);
  return prefix;
}
