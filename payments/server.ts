/**
 * The payments API process: config from flags and environment, a kafkajs idempotent producer
 * behind the request batcher, the Schema Registry client, node:http, and a graceful shutdown.
 * `npm run payments -- --help`; in the image: node dist/payments/server.js.
 */
import { paymentsSchema } from '../generators/datasets/payments.schema';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Kafka, logLevel } from 'kafkajs';
import { randomPayment } from '../generators/datasets/payments';
import { SchemaRegistryClient } from '../generators/formats/registry-client';
import { kafkaConfig } from '../generators/kafka-config';
import { createFaker } from '../generators/random';
import { createPaymentsApp, type PaymentReceipt } from './app';
import { ProduceBatcher } from './batcher';
import { parsePaymentsArgs, type PaymentsConfig } from './config';
import { endpointsOf } from './endpoints';
import { IdempotencyStore } from './idempotency';
import { KafkaBatchSender } from './kafka-sender';
import { EndpointSchemas } from './schemas';
import { WireBytes } from './wire-bytes';

export interface ShutdownReport {
  /** Requests still unanswered at the deadline: their connections were closed without an answer. */
  readonly unanswered: number;
  /** Payments taken out of the queue before they were sent: not written (their clients got 503). */
  readonly withdrawn: number;
  /** Payments sent and not acknowledged: the broker may still write them. */
  readonly unacknowledged: number;
  /** The Kafka producer disconnected within the deadline. */
  readonly disconnected: boolean;
  readonly elapsedMs: number;
}

export interface RunningPaymentsServer {
  readonly url: string;
  readonly port: number;
  readonly server: Server;
  /** Stops accepting, answers what is in flight, disconnects, all within the shutdown timeout. */
  close(): Promise<ShutdownReport>;
}

/** Whether the shutdown lost track of anything (the process then exits 1). */
export const shutdownLostSomething = (report: ShutdownReport): boolean =>
  report.unanswered > 0 || report.withdrawn > 0 || report.unacknowledged > 0 || !report.disconnected;

export interface StartOptions {
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly log?: (line: string) => void;
  /** kafkajs' own log level (default WARN); tests without a broker turn it off. */
  readonly kafkaLogLevel?: logLevel;
}

/** Resolves true when `promise` settles within `ms`, false when the time is up first. */
async function within(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  const settled = promise.then(
    () => true,
    () => true,
  );
  const result = await Promise.race([settled, timedOut]);
  clearTimeout(timer);
  return result;
}

export async function startPaymentsServer(config: PaymentsConfig, options: StartOptions = {}): Promise<RunningPaymentsServer> {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const endpoints = endpointsOf(paymentsSchema, config.topicPrefix);
  // Tells a send that failed before writing anything (not written) from one that may have been written.
  const wire = new WireBytes();
  const kafka = new Kafka({
    ...kafkaConfig('payments-api', config.brokers, options.env ?? process.env),
    socketFactory: wire.socketFactory,
    // Each connection attempt gives up within seconds; the sender's own loop tries again until stopped.
    retry: { retries: 3, initialRetryTime: 200, maxRetryTime: 2_000 },
    ...(options.kafkaLogLevel !== undefined ? { logLevel: options.kafkaLogLevel } : {}),
  });
  const sender = new KafkaBatchSender(kafka, config.brokers, { log, probeTimeoutMs: config.ackTimeoutMs, wire });
  const batcher = new ProduceBatcher(sender, { lingerMs: config.lingerMs, maxBatchRecords: config.maxBatchRecords });
  const registryClient = new SchemaRegistryClient({ url: config.schemaRegistryUrl, timeoutMs: config.registryTimeoutMs });
  const schemas = new EndpointSchemas(registryClient, endpoints, { log });
  const faker = createFaker();
  const kafkaHealth = (): { ok: boolean; kafka: string } => {
    // A broker that holds a batch without answering is not healthy, whatever the connection says.
    const waiting = batcher.inFlightAgeMs();
    if (waiting !== undefined && waiting > config.ackTimeoutMs) {
      return { ok: false, kafka: `unavailable: a batch sent ${waiting} ms ago is not acknowledged yet (ack timeout ${config.ackTimeoutMs} ms)` };
    }
    return { ok: sender.isHealthy, kafka: sender.status };
  };
  const app = createPaymentsApp({
    endpoints,
    schemas,
    producer: batcher,
    randomPayment: (now) => randomPayment(faker, now),
    health: kafkaHealth,
    idempotency: new IdempotencyStore<PaymentReceipt>({ ttlMs: config.idempotencyTtlMs, maxIds: config.idempotencyMaxIds }),
    maxBodyBytes: config.maxBodyBytes,
    ackTimeoutMs: config.ackTimeoutMs,
    createdAtWindow: { maxPastMs: config.createdAtMaxPastMs, maxFutureMs: config.createdAtMaxFutureMs },
    log,
  });

  void sender.start();
  // Register early and keep trying: /healthz stays 503 until all three schemas are registered.
  schemas.registerAll();

  const server = createServer({ keepAliveTimeout: 30_000, headersTimeout: 35_000, requestTimeout: 60_000 }, app.handle);
  // Without this listener node answers every `Expect: 100-continue` with 100 Continue at once.
  server.on('checkContinue', app.handleExpectContinue);
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(new Error(`payments-api cannot listen on ${config.host}:${config.port}: ${error.code ?? error.message}; choose another --port / PORT`)),
    );
    server.listen(config.port, config.host, resolve);
  });
  const port = (server.address() as AddressInfo).port;
  const shownHost = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
  log(`payments-api: listening on ${config.host}:${port}; Kafka ${config.brokers.join(',')}; Schema Registry ${registryClient.url}`);

  let closing: Promise<ShutdownReport> | undefined;
  const close = (): Promise<ShutdownReport> => {
    closing ??= (async () => {
      const started = Date.now();
      const deadline = started + config.shutdownTimeoutMs;
      const remaining = (): number => Math.max(0, deadline - Date.now());
      app.startDraining();
      schemas.stop();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // Idle keep-alive connections would hold close() open; busy ones are closed once answered.
      const reaper = setInterval(() => server.closeIdleConnections(), 50);
      server.closeIdleConnections();
      // Each request waits for Kafka at most the ack timeout, so this ends unless the deadline is shorter.
      while (app.inFlight() > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
      await within(batcher.flush(), remaining());
      const { withdrawn, inFlight: unacknowledged } = batcher.close();
      const unanswered = app.inFlight();
      if (unanswered === 0) await within(closed, remaining());
      clearInterval(reaper);
      server.closeAllConnections();
      // A frozen broker can hold a disconnect too; it gets what is left, and a moment at least.
      const disconnected = await within(
        sender.stop().catch((error: unknown) => log(`payments-api: Kafka producer disconnect failed: ${String(error)}`)),
        Math.max(remaining(), 500),
      );
      return { unanswered, withdrawn, unacknowledged, disconnected, elapsedMs: Date.now() - started };
    })();
    return closing;
  };

  return { url: `http://${shownHost}:${port}`, port, server, close };
}

/** One line on how the shutdown went, naming what was not flushed. */
export function describeShutdown(report: ShutdownReport, timeoutMs: number): string {
  if (!shutdownLostSomething(report)) return `payments-api: every request answered, producer flushed in ${report.elapsedMs} ms; bye`;
  const problems = [
    report.unanswered > 0 ? `${report.unanswered} requests unanswered (their connections were closed)` : '',
    report.withdrawn > 0 ? `${report.withdrawn} payments withdrawn before they were sent (not written; their clients got 503)` : '',
    report.unacknowledged > 0 ? `${report.unacknowledged} payments sent but never acknowledged (Kafka may still write them)` : '',
    report.disconnected ? '' : 'the Kafka producer did not disconnect in time',
  ].filter((problem) => problem !== '');
  return `payments-api: shutdown gave up after ${report.elapsedMs} ms (--shutdown-timeout-ms ${timeoutMs}): ${problems.join('; ')}; exiting 1`;
}

async function main(): Promise<void> {
  let parsed;
  try {
    parsed = parsePaymentsArgs(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`payments-api: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(2);
  }
  if (parsed.kind === 'help') {
    process.stdout.write(`${parsed.text}\n`);
    return;
  }
  const running = await startPaymentsServer(parsed.config);
  let signals = 0;
  const shutdown = (signal: NodeJS.Signals): void => {
    if (++signals > 1) {
      process.stderr.write(`payments-api: second ${signal}: exiting now\n`);
      process.exit(1);
    }
    process.stderr.write(`payments-api: ${signal}: no new connections; answering the requests in flight\n`);
    running.close().then(
      (report) => {
        process.stderr.write(`${describeShutdown(report, parsed.config.shutdownTimeoutMs)}\n`);
        process.exit(shutdownLostSomething(report) ? 1 : 0);
      },
      (error: unknown) => {
        process.stderr.write(`payments-api: shutdown failed: ${String(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`payments-api: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
