/**
 * The payments API's settings: flags win over environment variables, which win over defaults.
 * The stack sets the environment (HOST, PORT, KAFKA_BROKERS, SCHEMA_REGISTRY_URL, KAFKA_SASL_*).
 */
import { parseArgs } from 'node:util';
import { TOPIC_PREFIX_ENV, topicPrefixFromEnv } from '../lib/topic-prefix';
import { parseBrokers } from '../generators/kafka-config';

export interface PaymentsConfig {
  readonly host: string;
  readonly port: number;
  readonly brokers: string[];
  readonly schemaRegistryUrl: string;
  readonly lingerMs: number;
  readonly maxBatchRecords: number;
  readonly maxBodyBytes: number;
  readonly registryTimeoutMs: number;
  /** Longest wait for Kafka's acknowledgement of a payment before its request is answered 503. */
  readonly ackTimeoutMs: number;
  /** How long shutdown may take in all (answering, flushing, disconnecting) before it gives up. */
  readonly shutdownTimeoutMs: number;
  /** How long a payment id is remembered after its outcome, so a retry gets the first answer. */
  readonly idempotencyTtlMs: number;
  /** Most payment ids remembered; the oldest are forgotten first. */
  readonly idempotencyMaxIds: number;
  /** How far before the server's clock created_at may be. */
  readonly createdAtMaxPastMs: number;
  /** How far after the server's clock created_at may be. */
  readonly createdAtMaxFutureMs: number;
  /** Prepended to the endpoints' topic names (kafka.topicPrefix of a shared cluster). */
  readonly topicPrefix: string;
}

export type PaymentsArgs = { readonly kind: 'help'; readonly text: string } | { readonly kind: 'run'; readonly config: PaymentsConfig };

interface Setting {
  readonly flag: string;
  readonly env: string;
  readonly fallback: string;
  readonly description: string;
}

const SETTINGS = {
  host: { flag: 'host', env: 'HOST', fallback: '127.0.0.1', description: 'address to listen on (the stack sets 0.0.0.0 inside its container)' },
  port: { flag: 'port', env: 'PORT', fallback: '8000', description: 'HTTP port' },
  brokers: { flag: 'brokers', env: 'KAFKA_BROKERS', fallback: 'localhost:9092', description: 'Kafka bootstrap servers host:port[,...]' },
  schemaRegistryUrl: {
    flag: 'schema-registry-url',
    env: 'SCHEMA_REGISTRY_URL',
    fallback: 'http://localhost:8081',
    description: 'Confluent-compatible Schema Registry base URL (Apicurio: http://host:8080/apis/ccompat/v7)',
  },
  lingerMs: { flag: 'linger-ms', env: 'PAYMENTS_LINGER_MS', fallback: '2', description: 'how long a payment waits for others to share its produce request' },
  maxBatchRecords: { flag: 'max-batch', env: 'PAYMENTS_MAX_BATCH', fallback: '1000', description: 'most payments per produce request' },
  maxBodyBytes: { flag: 'max-body-bytes', env: 'PAYMENTS_MAX_BODY_BYTES', fallback: '16384', description: 'largest accepted POST body; bigger ones get 413' },
  registryTimeoutMs: { flag: 'registry-timeout-ms', env: 'SCHEMA_REGISTRY_TIMEOUT_MS', fallback: '5000', description: 'timeout of a Schema Registry request' },
  ackTimeoutMs: { flag: 'ack-timeout-ms', env: 'PAYMENTS_ACK_TIMEOUT_MS', fallback: '5000', description: "longest wait for Kafka's acknowledgement; then 503" },
  // Below Docker's default 10 s stop timeout, so the shutdown report is written before a SIGKILL.
  shutdownTimeoutMs: { flag: 'shutdown-timeout-ms', env: 'PAYMENTS_SHUTDOWN_TIMEOUT_MS', fallback: '8000', description: 'on SIGTERM/SIGINT, the most the shutdown may take in all' },
  idempotencyTtlMs: { flag: 'idempotency-ttl-ms', env: 'PAYMENTS_IDEMPOTENCY_TTL_MS', fallback: '900000', description: "how long a payment id's outcome is remembered for retries" },
  // About 120 bytes of heap per remembered id, its id string included (npm run bench:idempotency-memory):
  // 50,000 take ~6 MB of the stack's 192 MB container.
  idempotencyMaxIds: { flag: 'idempotency-max-ids', env: 'PAYMENTS_IDEMPOTENCY_MAX_IDS', fallback: '50000', description: 'most payment ids remembered (oldest forgotten first)' },
  createdAtMaxPastMs: { flag: 'created-at-max-past-ms', env: 'PAYMENTS_CREATED_AT_MAX_PAST_MS', fallback: '604800000', description: "how far before the server's clock created_at may be" },
  createdAtMaxFutureMs: { flag: 'created-at-max-future-ms', env: 'PAYMENTS_CREATED_AT_MAX_FUTURE_MS', fallback: '300000', description: "how far after the server's clock created_at may be" },
} as const satisfies Record<Exclude<keyof PaymentsConfig, 'topicPrefix'>, Setting>;

export const HELP = [
  'payments-api: the payments HTTP API.',
  '',
  'Usage: node dist/payments/server.js [options]     (npm run payments -- [options])',
  '',
  'Endpoints:',
  '  GET  /payment_json | /payment_avro | /payment_protobuf   produce one random payment -> 200 {id, ...}',
  '  POST /payment_json | /payment_avro | /payment_protobuf   produce the JSON payment in the body -> 201 {id, ...}',
  '       400 {error, field, message} for an invalid body (nothing is produced);',
  '       415 unless Content-Type is application/json; 409 for an id reused with a different payment;',
  '       503 {error, written, message} when Kafka or the Schema Registry is unavailable or Kafka does not',
  '       acknowledge within --ack-timeout-ms (written: false = not written; "unknown" = may still be written)',
  '       The id is an idempotency key: a retry with the same body gets the first outcome, not a second record.',
  '  GET  /healthz   200 when Kafka answers and acknowledges and all three schemas are registered, else 503',
  '',
  'Each endpoint writes to its topic (payment_json, payment_avro, payment_protobuf) in the Confluent',
  'wire format with the schema registered under <topic>-value, keyed by id, timestamped created_at.',
  '',
  'Options (environment variable in brackets):',
  ...Object.values(SETTINGS).map((s: Setting) => `  --${s.flag.padEnd(22)} ${s.description} [${s.env}; default ${s.fallback}]`),
  '  --help                   this text',
  '',
  'Kafka security from the environment: KAFKA_SECURITY_PROTOCOL (PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL),',
  'KAFKA_SASL_MECHANISM (PLAIN, SCRAM-SHA-256, SCRAM-SHA-512), KAFKA_SASL_USERNAME, KAFKA_SASL_PASSWORD,',
  'KAFKA_SSL_CA (PEM of a private CA). ' + `${TOPIC_PREFIX_ENV}: prepended to every topic name (a shared cluster).`,
  'Registry credentials go into the URL: https://key:secret@host.',
  'SIGTERM/SIGINT: stop accepting, answer what is in flight once Kafka acknowledged it, exit 0; after',
  '--shutdown-timeout-ms, report what was not written or not acknowledged and exit 1.',
].join('\n');

const DAY_MS = 86_400_000;

function integer(setting: Setting, raw: string, min: number, max: number): number {
  const value = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || !Number.isSafeInteger(value) || value < min || value > max) {
    throw new Error(`--${setting.flag} (${setting.env}) must be an integer from ${min} to ${max}, got '${raw}'`);
  }
  return value;
}

export function parsePaymentsArgs(argv: readonly string[], env: Readonly<Record<string, string | undefined>> = process.env): PaymentsArgs {
  const options: Record<string, { type: 'string' } | { type: 'boolean' }> = { help: { type: 'boolean' } };
  for (const setting of Object.values(SETTINGS)) options[setting.flag] = { type: 'string' };
  let values: Record<string, string | boolean | undefined>;
  try {
    values = parseArgs({ args: [...argv], options, strict: true, allowPositionals: false }).values as Record<string, string | boolean | undefined>;
  } catch (error) {
    throw new Error(`${error instanceof Error ? error.message : String(error)}; see --help`);
  }
  if (values.help === true) return { kind: 'help', text: HELP };
  const raw = (setting: Setting): string => {
    const flag = values[setting.flag];
    if (typeof flag === 'string') return flag;
    const fromEnv = env[setting.env];
    return fromEnv !== undefined && fromEnv !== '' ? fromEnv : setting.fallback;
  };
  return {
    kind: 'run',
    config: {
      host: raw(SETTINGS.host),
      port: integer(SETTINGS.port, raw(SETTINGS.port), 0, 65_535),
      brokers: parseBrokers(raw(SETTINGS.brokers)),
      schemaRegistryUrl: raw(SETTINGS.schemaRegistryUrl),
      lingerMs: integer(SETTINGS.lingerMs, raw(SETTINGS.lingerMs), 0, 1_000),
      maxBatchRecords: integer(SETTINGS.maxBatchRecords, raw(SETTINGS.maxBatchRecords), 1, 100_000),
      maxBodyBytes: integer(SETTINGS.maxBodyBytes, raw(SETTINGS.maxBodyBytes), 256, 10 * 1024 * 1024),
      registryTimeoutMs: integer(SETTINGS.registryTimeoutMs, raw(SETTINGS.registryTimeoutMs), 100, 600_000),
      ackTimeoutMs: integer(SETTINGS.ackTimeoutMs, raw(SETTINGS.ackTimeoutMs), 100, 600_000),
      shutdownTimeoutMs: integer(SETTINGS.shutdownTimeoutMs, raw(SETTINGS.shutdownTimeoutMs), 0, 600_000),
      idempotencyTtlMs: integer(SETTINGS.idempotencyTtlMs, raw(SETTINGS.idempotencyTtlMs), 0, 7 * DAY_MS),
      idempotencyMaxIds: integer(SETTINGS.idempotencyMaxIds, raw(SETTINGS.idempotencyMaxIds), 0, 10_000_000),
      createdAtMaxPastMs: integer(SETTINGS.createdAtMaxPastMs, raw(SETTINGS.createdAtMaxPastMs), 0, 3650 * DAY_MS),
      createdAtMaxFutureMs: integer(SETTINGS.createdAtMaxFutureMs, raw(SETTINGS.createdAtMaxFutureMs), 0, 365 * DAY_MS),
      topicPrefix: topicPrefixFromEnv(env),
    },
  };
}
