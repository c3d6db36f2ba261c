/**
 * npm run loadtest -- --rate 5000 --duration 30 --connections 64 --endpoint payment_json [--url URL]
 * Drives the payments API and prints achieved requests/s, latency p50/p95/p99 and errors.
 * Bounded by --duration and --max-requests; refuses non-loopback targets unless --allow-remote.
 * Exits 1 when any request failed, so a script can tell.
 */
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { randomPayment } from '../generators/datasets/payments';
import { createFaker } from '../generators/random';
import { assertLoopback, formatLoadResult, runLoad, type LoadOptions } from './load';

const HELP = `Usage: npm run loadtest -- [options]

  --url URL            base URL of the payments API (default http://127.0.0.1:8000)
  --endpoint LIST      payment_json, payment_avro, payment_protobuf, healthz, or several comma-separated
                       (requests rotate over them); default payment_json
  --method GET|POST    GET asks the API for a random payment; POST sends one generated here (default GET)
  --rate N             requests per second, all connections together; 0 = as fast as answered (default 1000)
  --duration S         seconds to run, 1..3600 (default 10)
  --connections N      keep-alive connections, 1..1024 (default 32)
  --max-requests N     stop after N requests (default rate x duration, or 10,000,000 at --rate 0)
  --timeout-ms N       a request unanswered after N ms counts as an error (default 10000)
  --json               print the result as one JSON object instead of text
  --allow-remote       allow a target that is not a loopback address (only a server you run yourself)
  --help               this text`;

/**
 * Bodies of POSTs: faker payments drawn once, each sent with a fresh id and the current time, so
 * the load tool spends its CPU on requests rather than on faker.
 */
export function paymentBodies(poolSize = 1_000): () => string {
  const faker = createFaker();
  const pool = Array.from({ length: poolSize }, () => randomPayment(faker, Date.now()));
  let next = 0;
  return () => JSON.stringify({ ...pool[next++ % pool.length], id: randomUUID(), created_at: Date.now() });
}

function integer(name: string, raw: string | undefined, fallback: number, min: number, max: number): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value < min || value > max) throw new Error(`--${name} must be an integer from ${min} to ${max}, got '${raw}'`);
  return value;
}

export function parseLoadtestArgs(argv: readonly string[]): { help: true } | { help: false; options: LoadOptions; json: boolean; allowRemote: boolean } {
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    options: {
      url: { type: 'string' },
      endpoint: { type: 'string' },
      method: { type: 'string' },
      rate: { type: 'string' },
      duration: { type: 'string' },
      connections: { type: 'string' },
      'max-requests': { type: 'string' },
      'timeout-ms': { type: 'string' },
      json: { type: 'boolean' },
      'allow-remote': { type: 'boolean' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) return { help: true };
  const url = values.url ?? 'http://127.0.0.1:8000';
  if (!/^http:\/\//.test(url)) throw new Error(`--url must be an http:// URL, got '${url}'`);
  const paths = (values.endpoint ?? 'payment_json').split(',').map((e) => `/${e.trim().replace(/^\//, '')}`);
  const method = (values.method ?? 'GET').toUpperCase();
  if (method !== 'GET' && method !== 'POST') throw new Error(`--method must be GET or POST, got '${values.method}'`);
  const rate = integer('rate', values.rate, 1000, 0, 1_000_000);
  const durationSeconds = integer('duration', values.duration, 10, 1, 3600);
  return {
    help: false,
    json: values.json === true,
    allowRemote: values['allow-remote'] === true,
    options: {
      url,
      paths,
      method,
      body: paymentBodies(),
      rate,
      durationSeconds,
      connections: integer('connections', values.connections, 32, 1, 1024),
      maxRequests: integer('max-requests', values['max-requests'], rate > 0 ? rate * durationSeconds : 10_000_000, 1, 100_000_000),
      timeoutMs: integer('timeout-ms', values['timeout-ms'], 10_000, 1, 600_000),
    },
  };
}

async function main(): Promise<void> {
  const parsed = parseLoadtestArgs(process.argv.slice(2));
  if (parsed.help) {
    process.stdout.write(`${HELP}\n`);
    return;
  }
  if (!parsed.allowRemote) await assertLoopback(parsed.options.url);
  const { options } = parsed;
  process.stderr.write(
    `loadtest: ${options.method} ${options.paths.join(',')} on ${options.url}, ${options.rate > 0 ? `${options.rate} requests/s` : 'as fast as answered'}, ` +
      `${options.durationSeconds} s, ${options.connections} connections\n`,
  );
  const result = await runLoad(options);
  process.stdout.write(parsed.json ? `${JSON.stringify(result)}\n` : `${formatLoadResult(`loadtest ${options.method} ${options.paths.join(',')}`, result)}\n`);
  if (result.errorCount > 0) process.exitCode = 1;
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`loadtest: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(2);
  });
}
