/**
 * kafkajs client settings from the command line and the environment the stack sets
 * (KAFKA_BROKERS, KAFKA_SECURITY_PROTOCOL, KAFKA_SASL_MECHANISM, KAFKA_SASL_USERNAME,
 * KAFKA_SASL_PASSWORD, and KAFKA_SSL_CA, the PEM of a private CA). Secrets come only from the
 * environment, never from arguments.
 */
import { logLevel, type KafkaConfig, type LogEntry, type SASLOptions } from 'kafkajs';
import { HOST_PORT_RULE, hostPortProblem } from '../lib/host-port';

export const SECURITY_PROTOCOLS = ['PLAINTEXT', 'SSL', 'SASL_PLAINTEXT', 'SASL_SSL'] as const;
export const SASL_MECHANISMS = ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'] as const;

type Env = Readonly<Record<string, string | undefined>>;

export function parseBrokers(list: string): string[] {
  const brokers = list
    .split(',')
    .map((broker) => broker.trim())
    .filter((broker) => broker.length > 0);
  for (const broker of brokers) {
    const problem = hostPortProblem(broker);
    if (problem) throw new Error(`broker '${broker}' ${problem}; expected a comma-separated list of ${HOST_PORT_RULE}, e.g. localhost:9092`);
  }
  if (brokers.length === 0) throw new Error('no broker given: pass --brokers host:port[,host:port] or set KAFKA_BROKERS');
  return brokers;
}

function saslOptions(env: Env): SASLOptions {
  const mechanism = env.KAFKA_SASL_MECHANISM ?? 'PLAIN';
  const username = env.KAFKA_SASL_USERNAME;
  const password = env.KAFKA_SASL_PASSWORD;
  if (!username || !password) throw new Error('KAFKA_SECURITY_PROTOCOL is SASL_*: set KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD');
  switch (mechanism) {
    case 'PLAIN':
      return { mechanism: 'plain', username, password };
    case 'SCRAM-SHA-256':
      return { mechanism: 'scram-sha-256', username, password };
    case 'SCRAM-SHA-512':
      return { mechanism: 'scram-sha-512', username, password };
    default:
      throw new Error(`KAFKA_SASL_MECHANISM '${mechanism}' is not supported; allowed: ${SASL_MECHANISMS.join(', ')}`);
  }
}

// kafkajs' logLevel is typed as an enum but is a plain object at run time, without reverse names.
const LEVEL_NAMES = new Map<number, string>([
  [logLevel.ERROR, 'ERROR'],
  [logLevel.WARN, 'WARN'],
  [logLevel.INFO, 'INFO'],
  [logLevel.DEBUG, 'DEBUG'],
]);

/** kafkajs logs as single lines on stderr, so they interleave readably with the progress lines. */
function stderrLogCreator() {
  return ({ namespace, level, log }: LogEntry): void => {
    const { message, timestamp: _timestamp, logger: _logger, ...extra } = log;
    const details = Object.keys(extra).length > 0 ? ` ${JSON.stringify(extra)}` : '';
    process.stderr.write(`kafkajs ${LEVEL_NAMES.get(level) ?? level} ${namespace}: ${message}${details}\n`);
  };
}

export function kafkaConfig(clientId: string, brokers: string[], env: Env = process.env): KafkaConfig {
  const protocol = env.KAFKA_SECURITY_PROTOCOL ?? 'PLAINTEXT';
  if (!(SECURITY_PROTOCOLS as readonly string[]).includes(protocol)) {
    throw new Error(`KAFKA_SECURITY_PROTOCOL '${protocol}' is not supported; allowed: ${SECURITY_PROTOCOLS.join(', ')}`);
  }
  const tls = protocol === 'SSL' || protocol === 'SASL_SSL';
  const ca = env.KAFKA_SSL_CA;
  if (ca && !tls) throw new Error(`KAFKA_SSL_CA is set, but KAFKA_SECURITY_PROTOCOL '${protocol}' uses no TLS; set SSL or SASL_SSL, or unset KAFKA_SSL_CA`);
  return {
    clientId,
    brokers,
    // Without a CA of its own the client trusts Node's public CAs, as Confluent Cloud, MSK and Aiven need.
    ssl: tls && ca ? { ca: [ca] } : tls,
    sasl: protocol.startsWith('SASL_') ? saslOptions(env) : undefined,
    connectionTimeout: 10_000,
    // Reconnect for as long as it takes, like the Java client: the caller's delivery timeout
    // decides when a send has failed (kafkajs would otherwise give up on a restarting broker
    // after about ten seconds, below the producer's own unlimited idempotent retries).
    retry: { initialRetryTime: 250, maxRetryTime: 5_000, retries: Number.MAX_SAFE_INTEGER },
    logLevel: logLevel.WARN,
    logCreator: stderrLogCreator,
  };
}
