/**
 * The payments API process: config from flags and environment, a kafkajs idempotent producer
 * behind the request batcher, the Schema Registry client, node:http, and a graceful shutdown.
 * `npm run payments -- --help`; in the image: node dist/payments/server.js.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Kafka, logLevel } from 'kafkajs';
import { randomPayment } from '../generators/datasets/payments';
import { SchemaRegistryClient, SchemaRegistryError, type RegisteredSchema } from '../generators/formats/registry-client';
import { kafkaConfig } from '../generators/kafka-config';
import { createFaker } from '../generators/random';
import { createPaymentsApp } from './app';
import { ProduceBatcher } from './batcher';
import { parsePaymentsArgs, type PaymentsConfig } from './config';
import { endpointsOf } from './endpoints';
import { KafkaBatchSender } from './kafka-sender';

export interface RunningPaymentsServer {
  readonly url: string;
  readonly port: number;
  readonly server: Server;
  /** Stops accepting, answers what is in flight, disconnects; resolves to the requests left unanswered. */
  close(): Promise<{ readonly unanswered: number }>;
}

export interface StartOptions {
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly log?: (line: string) => void;
  /** kafkajs' own log level (default WARN); tests without a broker turn it off. */
  readonly kafkaLogLevel?: logLevel;
}

export async function startPaymentsServer(config: PaymentsConfig, options: StartOptions = {}): Promise<RunningPaymentsServer> {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const endpoints = endpointsOf();
  const kafka = new Kafka({
    ...kafkaConfig('payments-api', config.brokers, options.env ?? process.env),
    // Each connection attempt gives up within seconds; the sender's own loop tries again until stopped.
    retry: { retries: 3, initialRetryTime: 200, maxRetryTime: 2_000 },
    ...(options.kafkaLogLevel !== undefined ? { logLevel: options.kafkaLogLevel } : {}),
  });
  const sender = new KafkaBatchSender(kafka, config.brokers, { log });
  const batcher = new ProduceBatcher(sender, { lingerMs: config.lingerMs, maxBatchRecords: config.maxBatchRecords });
  const registryClient = new SchemaRegistryClient({ url: config.schemaRegistryUrl, timeoutMs: config.registryTimeoutMs });
  let registryStatus = 'no schema registered yet';
  const registry = {
    async register(subject: string, schema: RegisteredSchema): Promise<number> {
      try {
        const id = await registryClient.register(subject, schema);
        registryStatus = 'ok';
        return id;
      } catch (error) {
        registryStatus = error instanceof SchemaRegistryError ? `${error.kind}: ${error.message}` : String(error);
        throw error;
      }
    },
  };
  const faker = createFaker();
  const app = createPaymentsApp({
    endpoints,
    registry,
    producer: batcher,
    randomPayment: (now) => randomPayment(faker, now),
    health: () => ({ ok: sender.isHealthy, kafka: sender.status, registry: registryStatus }),
    maxBodyBytes: config.maxBodyBytes,
  });

  void sender.start();
  // Register early so the first requests do not wait for it and a bad registry shows in the log at once.
  for (const endpoint of endpoints) {
    registry.register(endpoint.subject, { schema: endpoint.serde.schemaText, schemaType: endpoint.serde.schemaType }).then(
      (id) => log(`payments-api: ${endpoint.path} -> topic ${endpoint.topic}, ${endpoint.serde.schemaType} schema id ${id} (subject ${endpoint.subject})`),
      (error: unknown) => log(`payments-api: ${endpoint.path}: ${error instanceof Error ? error.message : String(error)} (retried on the next request)`),
    );
  }

  const server = createServer({ keepAliveTimeout: 30_000, headersTimeout: 35_000, requestTimeout: 60_000 }, app.handle);
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(new Error(`payments-api cannot listen on ${config.host}:${config.port}: ${error.code ?? error.message}; choose another --port / PORT`)),
    );
    server.listen(config.port, config.host, resolve);
  });
  const port = (server.address() as AddressInfo).port;
  const shownHost = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
  log(`payments-api: listening on ${config.host}:${port}; Kafka ${config.brokers.join(',')}; Schema Registry ${registryClient.url}`);

  let closing: Promise<{ unanswered: number }> | undefined;
  const close = (): Promise<{ unanswered: number }> => {
    closing ??= (async () => {
      app.startDraining();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // Idle keep-alive connections would hold close() open; busy ones are closed once answered.
      const reaper = setInterval(() => server.closeIdleConnections(), 50);
      server.closeIdleConnections();
      const deadline = Date.now() + config.shutdownTimeoutMs;
      while (app.inFlight() > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
      await batcher.flush();
      const unanswered = app.inFlight();
      if (unanswered > 0) server.closeAllConnections();
      else {
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([closed, new Promise((resolve) => (timer = setTimeout(resolve, Math.max(0, deadline - Date.now()))))]);
        clearTimeout(timer);
      }
      clearInterval(reaper);
      server.closeAllConnections();
      await sender.stop().catch((error: unknown) => log(`payments-api: Kafka producer disconnect failed: ${String(error)}`));
      return { unanswered };
    })();
    return closing;
  };

  return { url: `http://${shownHost}:${port}`, port, server, close };
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
      ({ unanswered }) => {
        if (unanswered > 0) {
          process.stderr.write(`payments-api: ${unanswered} requests still unanswered after ${parsed.config.shutdownTimeoutMs} ms; their clients get no answer\n`);
          process.exit(1);
        }
        process.stderr.write('payments-api: every request answered, producer flushed; bye\n');
        process.exit(0);
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
