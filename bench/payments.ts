/**
 * `npm run bench:payments`: requests/s and latency of the payments API at acks=all against a real
 * local Kafka broker (KRaft, 127.0.0.1) and a real Schema Registry (Confluent's, 7.9.9 built from public source), side
 * by side with a bare node:http server that answers 200 on the same machine, with the same load
 * tool and settings; then consumes the three topics and checks that every acknowledged payment is
 * there (count consumed = count acknowledged). Prints figures; asserts nothing except that it ran.
 *
 * Settings (environment): BENCH_SECONDS (default 15 per run), BENCH_CONNECTIONS (default 128),
 * BENCH_RATE (fixed-rate runs, default 5000 requests/s), BENCH_API_NODE_FLAGS (node flags of the API).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { startKafka } from '../integration/support/kafka';
import { freePort, waitUntil } from '../integration/support/ports';
import { startSchemaRegistry } from '../integration/support/registry';
import { endpointsOf } from '../payments/endpoints';
import { formatLoadResult, runLoad, type LoadOptions, type LoadResult } from '../payments/load';
import { paymentBodies } from '../payments/loadtest';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 15);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 128);
const RATE = Number(process.env.BENCH_RATE ?? 5000);
const ROOT = join(__dirname, '..');
/** Extra node flags for the payments API process, e.g. BENCH_API_NODE_FLAGS=--max-semi-space-size=32. */
const API_NODE_FLAGS = (process.env.BENCH_API_NODE_FLAGS ?? '').split(' ').filter((flag) => flag !== '');

const BARE_SERVER = `
const http = require('node:http');
http.createServer((req, res) => {
  req.resume();
  req.on('end', () => { res.writeHead(200, { 'content-type': 'application/json', 'content-length': 11 }); res.end('{"ok":true}'); });
}).listen(Number(process.argv[1]), '127.0.0.1');
`;

function spawnNode(args: string[]): ChildProcess {
  const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  process.on('exit', () => child.kill('SIGKILL'));
  return child;
}

async function waitForHttp(url: string): Promise<void> {
  await waitUntil(async () => (await fetch(url, { signal: AbortSignal.timeout(1000) })).ok, { what: url, timeoutMs: 60_000 });
}

async function countTopics(bootstrap: string, topics: readonly string[]): Promise<Map<string, number>> {
  const kafka = new Kafka({ clientId: 'bench-count', brokers: [bootstrap], logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  const ends = new Map<string, number>();
  for (const topic of topics) {
    const offsets = await admin.fetchTopicOffsets(topic);
    ends.set(topic, offsets.reduce((sum, o) => sum + Number(o.high) - Number(o.low), 0));
  }
  await admin.disconnect();
  const keys = new Map<string, number>();
  const consumer = kafka.consumer({ groupId: `bench-count-${Date.now()}` });
  await consumer.connect();
  await consumer.subscribe({ topics: [...topics], fromBeginning: true });
  const total = [...ends.values()].reduce((a, b) => a + b, 0);
  let seen = 0;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`consumed ${seen} of ${total} records within 120 s`)), 120_000);
    if (total === 0) {
      clearTimeout(timer);
      resolve();
    }
    consumer
      .run({
        eachBatch: async ({ batch }) => {
          for (const message of batch.messages) {
            const key = message.key?.toString() ?? '';
            keys.set(key, (keys.get(key) ?? 0) + 1);
          }
          seen += batch.messages.length;
          if (seen >= total) {
            clearTimeout(timer);
            resolve();
          }
        },
      })
      .catch(reject);
  });
  await consumer.disconnect();
  return keys;
}

interface Row {
  readonly label: string;
  readonly result: LoadResult;
}

async function main(): Promise<void> {
  console.log(`bench:payments on ${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, node ${process.version}`);
  // The machine may be shared: the load average says how much else ran beside the benchmark.
  console.log(`load average before: ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  console.log(`runs of ${SECONDS} s, ${CONNECTIONS} keep-alive connections, fixed rate ${RATE}/s where stated; load tool in this process`);
  const kafka = await startKafka({ partitions: 3 });
  const registry = await startSchemaRegistry({ kafka: { bootstrap: kafka.bootstrap } });
  const endpoints = endpointsOf();
  const topics = endpoints.map((e) => e.topic);
  const admin = new Kafka({ clientId: 'bench-admin', brokers: [kafka.bootstrap], logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  await admin.createTopics({ topics: topics.map((topic) => ({ topic, numPartitions: 3 })), waitForLeaders: true });
  await admin.disconnect();

  const [apiPort, barePort] = [await freePort(), await freePort()];
  const api = spawnNode([
    ...API_NODE_FLAGS,
    '--require',
    'ts-node/register/transpile-only',
    'payments/server.ts',
    '--host',
    '127.0.0.1',
    '--port',
    String(apiPort),
    '--brokers',
    kafka.bootstrap,
    '--schema-registry-url',
    registry.url,
  ]);
  const bare = spawnNode(['-e', BARE_SERVER, String(barePort)]);
  const apiUrl = `http://127.0.0.1:${apiPort}`;
  const bareUrl = `http://127.0.0.1:${barePort}`;
  await waitForHttp(`${apiUrl}/healthz`);
  await waitForHttp(bareUrl);

  const acknowledged = new Set<string>();
  const load = async (label: string, options: Partial<LoadOptions> & Pick<LoadOptions, 'url' | 'paths'>, collect: boolean): Promise<Row> => {
    const result = await runLoad(
      { method: 'POST', body: paymentBodies(), rate: 0, durationSeconds: SECONDS, connections: CONNECTIONS, maxRequests: 50_000_000, timeoutMs: 10_000, ...options },
      collect,
    );
    for (const id of result.acknowledgedIds ?? []) acknowledged.add(id);
    console.log(formatLoadResult(label, result));
    return { label, result };
  };

  // Warm-up: JIT, connections, the registry's ids cached; these payments count for the loss check too.
  await load('warm-up payments API (5 s, not reported)', { url: apiUrl, paths: ['/payment_json', '/payment_avro', '/payment_protobuf'], durationSeconds: 5 }, true);
  await load('warm-up bare server (3 s, not reported)', { url: bareUrl, paths: ['/'], durationSeconds: 3 }, false);

  const rows: Row[] = [];
  rows.push(await load('bare node:http 200, max rate', { url: bareUrl, paths: ['/'] }, false));
  for (const endpoint of endpoints) {
    rows.push(await load(`payments API POST ${endpoint.path}, max rate`, { url: apiUrl, paths: [endpoint.path] }, true));
  }
  rows.push(await load(`bare node:http 200 at ${RATE}/s`, { url: bareUrl, paths: ['/'], rate: RATE }, false));
  rows.push(await load(`payments API POST all three formats at ${RATE}/s`, { url: apiUrl, paths: endpoints.map((e) => e.path), rate: RATE }, true));

  api.kill('SIGTERM');
  const apiExit = await new Promise<number | null>((resolve) => api.once('exit', (code) => resolve(code)));
  bare.kill('SIGTERM');

  const consumed = await countTopics(kafka.bootstrap, topics);
  const consumedTotal = [...consumed.values()].reduce((a, b) => a + b, 0);
  const missing = [...acknowledged].filter((id) => !consumed.has(id)).length;
  const duplicates = [...consumed.values()].filter((n) => n > 1).length;
  const unacknowledgedExtra = [...consumed.keys()].filter((id) => !acknowledged.has(id)).length;

  const bareMax = rows[0].result.requestsPerSecond;
  console.log('\n| run | requests/s | p50 ms | p95 ms | p99 ms | errors | ratio to bare max |');
  console.log('|---|---:|---:|---:|---:|---:|---:|');
  for (const { label, result } of rows) {
    console.log(
      `| ${label} | ${result.requestsPerSecond.toFixed(0)} | ${result.latencyMs.p50.toFixed(2)} | ${result.latencyMs.p95.toFixed(2)} | ${result.latencyMs.p99.toFixed(2)} | ${result.errorCount} | ${(result.requestsPerSecond / bareMax).toFixed(2)} |`,
    );
  }
  console.log(
    `\nzero-loss check: acknowledged ${acknowledged.size}, consumed ${consumedTotal} records (${consumed.size} distinct ids), ` +
      `acknowledged but not consumed ${missing}, ids consumed more than once ${duplicates}, consumed but never acknowledged ${unacknowledgedExtra}; ` +
      `payments API exit code after SIGTERM ${apiExit}`,
  );
  console.log(`load average after: ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  await registry.stop();
  await kafka.stop();
  if (missing > 0 || apiExit !== 0) process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
