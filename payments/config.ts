/**
 * The payments API's settings: flags win over environment variables, which win over defaults.
 * The stack sets the environment (PORT, KAFKA_BROKERS, SCHEMA_REGISTRY_URL, KAFKA_SASL_*).
 */
import { parseArgs } from 'node:util';
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
  /** How long shutdown waits for requests in flight before it gives up. */
  readonly shutdownTimeoutMs: number;
}

export type PaymentsArgs = { readonly kind: 'help'; readonly text: string } | { readonly kind: 'run'; readonly config: PaymentsConfig };

interface Setting {
  readonly flag: string;
  readonly env: string;
  readonly fallback: string;
  readonly description: string;
}

const SETTINGS = {
  host: { flag: 'host', env: 'HOST', fallback: '0.0.0.0', description: 'address to listen on (0.0.0.0 in the container; 127.0.0.1 keeps it local)' },
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
  maxBodyBytes: { flag: 'max-body-bytes', env: 'PAYMENTS_MAX_BODY_BYTES', fallback: '16384', description: 'largest accepted POST body; bigger ones get 400' },
  registryTimeoutMs: { flag: 'registry-timeout-ms', env: 'SCHEMA_REGISTRY_TIMEOUT_MS', fallback: '5000', description: 'timeout of a Schema Registry request' },
  shutdownTimeoutMs: { flag: 'shutdown-timeout-ms', env: 'PAYMENTS_SHUTDOWN_TIMEOUT_MS', fallback: '20000', description: 'on SIGTERM/SIGINT, how long to wait for requests in flight' },
} as const satisfies Record<keyof PaymentsConfig, Setting>;

export const HELP = [
  'payments-api: the payments HTTP API of seed 004.',
  '',
  'Usage: node dist/payments/server.js [options]     (npm run payments -- [options])',
  '',
  'Endpoints:',
  '  GET  /payment_json | /payment_avro | /payment_protobuf   produce one random payment -> 200 {id, ...}',
  '  POST /payment_json | /payment_avro | /payment_protobuf   produce the JSON payment in the body -> 201 {id, ...}',
  '       400 {error, field, message} for an invalid body (nothing is produced);',
  '       503 when Kafka or the Schema Registry is unavailable',
  '  GET  /healthz   200 when the Kafka producer is connected, else 503',
  '',
  'Each endpoint writes to its topic (payment_json, payment_avro, payment_protobuf) in the Confluent',
  'wire format with the schema registered under <topic>-value, keyed by id, timestamped created_at.',
  '',
  'Options (environment variable in brackets):',
  ...Object.values(SETTINGS).map((s: Setting) => `  --${s.flag.padEnd(22)} ${s.description} [${s.env}; default ${s.fallback}]`),
  '  --help                   this text',
  '',
  'Kafka security from the environment: KAFKA_SECURITY_PROTOCOL (PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL),',
  'KAFKA_SASL_MECHANISM (PLAIN, SCRAM-SHA-256, SCRAM-SHA-512), KAFKA_SASL_USERNAME, KAFKA_SASL_PASSWORD.',
  'Registry credentials go into the URL: https://key:secret@host.',
  'SIGTERM/SIGINT: stop accepting, answer what is in flight once Kafka acknowledged it, exit 0.',
].join('\n');

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
      shutdownTimeoutMs: integer(SETTINGS.shutdownTimeoutMs, raw(SETTINGS.shutdownTimeoutMs), 0, 600_000),
    },
  };
}
