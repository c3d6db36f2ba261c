import { parsePaymentsArgs } from '../../payments/config';

const run = (argv: string[], env: Record<string, string> = {}) => {
  const parsed = parsePaymentsArgs(argv, env);
  if (parsed.kind !== 'run') throw new Error('expected a run configuration');
  return parsed.config;
};

describe('parsePaymentsArgs', () => {
  it('defaults: port 8000 on 127.0.0.1 only (the stack sets HOST=0.0.0.0 in its container), local broker and registry, bounded waits', () => {
    expect(run([])).toEqual({
      host: '127.0.0.1',
      port: 8000,
      brokers: ['localhost:9092'],
      schemaRegistryUrl: 'http://localhost:8081',
      lingerMs: 2,
      maxBatchRecords: 1000,
      maxBodyBytes: 16384,
      registryTimeoutMs: 5000,
      ackTimeoutMs: 5000,
      shutdownTimeoutMs: 8000,
      idempotencyTtlMs: 900_000,
      idempotencyMaxIds: 50_000,
      createdAtMaxPastMs: 7 * 86_400_000,
      createdAtMaxFutureMs: 300_000,
      topicPrefix: '',
    });
  });

  it('the timeouts, the idempotency window and the created_at window come from the environment', () => {
    const config = run([], {
      HOST: '0.0.0.0',
      PAYMENTS_ACK_TIMEOUT_MS: '1500',
      PAYMENTS_SHUTDOWN_TIMEOUT_MS: '3000',
      PAYMENTS_IDEMPOTENCY_TTL_MS: '60000',
      PAYMENTS_IDEMPOTENCY_MAX_IDS: '10',
      PAYMENTS_CREATED_AT_MAX_PAST_MS: '86400000',
      PAYMENTS_CREATED_AT_MAX_FUTURE_MS: '1000',
    });
    expect(config).toMatchObject({ host: '0.0.0.0', ackTimeoutMs: 1500, shutdownTimeoutMs: 3000, idempotencyTtlMs: 60_000, idempotencyMaxIds: 10, createdAtMaxPastMs: 86_400_000, createdAtMaxFutureMs: 1000 });
    expect(() => run([], { PAYMENTS_ACK_TIMEOUT_MS: '0' })).toThrow("--ack-timeout-ms (PAYMENTS_ACK_TIMEOUT_MS) must be an integer from 100 to 600000, got '0'");
  });

  it('reads the environment the stack sets', () => {
    const config = run([], { PORT: '8100', KAFKA_BROKERS: 'kafka:29092,kafka2:29092', SCHEMA_REGISTRY_URL: 'http://schema-registry:8081' });
    expect(config).toMatchObject({ port: 8100, brokers: ['kafka:29092', 'kafka2:29092'], schemaRegistryUrl: 'http://schema-registry:8081' });
  });

  it('flags win over the environment', () => {
    const config = run(['--port', '9001', '--brokers', '127.0.0.1:1234', '--schema-registry-url', 'http://127.0.0.1:1/apis/ccompat/v7', '--linger-ms', '0'], {
      PORT: '8100',
      KAFKA_BROKERS: 'kafka:29092',
    });
    expect(config).toMatchObject({ port: 9001, brokers: ['127.0.0.1:1234'], schemaRegistryUrl: 'http://127.0.0.1:1/apis/ccompat/v7', lingerMs: 0 });
  });

  it('errors name the flag, its variable, the bad value and what is allowed', () => {
    expect(() => run(['--port', 'http'])).toThrow("--port (PORT) must be an integer from 0 to 65535, got 'http'");
    expect(() => run([], { PAYMENTS_MAX_BATCH: '0' })).toThrow("--max-batch (PAYMENTS_MAX_BATCH) must be an integer from 1 to 100000, got '0'");
    expect(() => run(['--brokers', 'kafka'])).toThrow(/broker 'kafka' is not host:port/);
    expect(() => run(['--prot', '1'])).toThrow(/Unknown option '--prot'.*see --help/);
  });

  it('--help lists every option with its environment variable', () => {
    const parsed = parsePaymentsArgs(['--help'], {});
    expect(parsed.kind).toBe('help');
    if (parsed.kind !== 'help') return;
    for (const text of ['--port', 'PORT', '--brokers', 'KAFKA_BROKERS', '--schema-registry-url', 'SCHEMA_REGISTRY_URL', '/payment_avro', '/healthz', 'SIGTERM', 'PAYMENTS_ACK_TIMEOUT_MS', 'PAYMENTS_IDEMPOTENCY_TTL_MS', '415', 'written']) {
      expect(parsed.text).toContain(text);
    }
  });
});
