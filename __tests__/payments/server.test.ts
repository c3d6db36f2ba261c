/**
 * The assembled server (real kafkajs producer, real registry client, node:http) where no broker
 * can run: `npm test` has no Kafka, so the producer points at a 127.0.0.1 port nothing listens on,
 * and the registry is the documented-contract stand-in. integration/payments covers the real broker.
 */
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { logLevel } from 'kafkajs';
import { parsePaymentsArgs } from '../../payments/config';
import { describeShutdown, shutdownLostSomething, startPaymentsServer } from '../../payments/server';
import { startFakeRegistry, type FakeRegistry } from '../formats/fake-registry';

const ROOT = join(__dirname, '..', '..');

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

let registry: FakeRegistry;
beforeEach(async () => {
  registry = await startFakeRegistry();
});
afterEach(() => registry.close());

it('without a reachable broker: /healthz and produce answer 503, validation still answers 400, schemas get registered', async () => {
  const parsed = parsePaymentsArgs(['--host', '127.0.0.1', '--port', '0', '--brokers', `127.0.0.1:${await closedPort()}`, '--schema-registry-url', registry.url], {});
  if (parsed.kind !== 'run') throw new Error('expected a run configuration');
  const lines: string[] = [];
  const server = await startPaymentsServer(parsed.config, { env: {}, log: (line) => lines.push(line), kafkaLogLevel: logLevel.NOTHING });
  try {
    const health = await fetch(`${server.url}/healthz`);
    expect(health.status).toBe(503);
    expect(await health.json()).toMatchObject({ status: 'unavailable', kafka: expect.stringContaining('unavailable') });
    const produced = await fetch(`${server.url}/payment_json`);
    expect(produced.status).toBe(503);
    expect(await produced.json()).toMatchObject({ error: 'kafka_unavailable', message: expect.stringContaining('is unavailable') });
    const invalid = await fetch(`${server.url}/payment_avro`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"id":1}' });
    expect(invalid.status).toBe(400);
    const subjects = registry.requests.filter((r) => r.method === 'POST').map((r) => r.url);
    expect(subjects.sort()).toEqual(['/subjects/payment_avro-value/versions', '/subjects/payment_json-value/versions', '/subjects/payment_protobuf-value/versions']);
  } finally {
    expect(await server.close()).toMatchObject({ unanswered: 0, withdrawn: 0, unacknowledged: 0, disconnected: true });
  }
  expect(lines.some((line) => line.includes('listening on 127.0.0.1:'))).toBe(true);
});

it('the CLI prints --help and exits 0', async () => {
  const child = spawn(process.execPath, ['--require', 'ts-node/register/transpile-only', 'payments/server.ts', '--help'], { cwd: ROOT });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const code = await new Promise((resolve) => child.once('exit', resolve));
  expect(code).toBe(0);
  expect(out).toContain('Usage: node dist/payments/server.js');
  // Starting ts-node takes seconds on two cores shared with other test runs.
}, 30_000);

it('the CLI stops on SIGTERM: stops listening and exits 0', async () => {
  const port = await closedPort();
  const child = spawn(
    process.execPath,
    ['--require', 'ts-node/register/transpile-only', 'payments/server.ts', '--host', '127.0.0.1', '--port', String(port), '--brokers', `127.0.0.1:${await closedPort()}`, '--schema-registry-url', registry.url],
    { cwd: ROOT, env: { PATH: process.env.PATH ?? '' } },
  );
  let err = '';
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const deadline = Date.now() + 30_000;
  while (!err.includes('listening on') && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
  expect(err).toContain(`listening on 127.0.0.1:${port}`);
  expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(503);
  child.kill('SIGTERM');
  expect(await exited).toBe(0);
  expect(err).toContain('every request answered, producer flushed');
  await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow();
}, 40_000);

it('the shutdown report names what was not flushed, and only a clean shutdown counts as nothing lost', () => {
  const clean = { unanswered: 0, withdrawn: 0, unacknowledged: 0, disconnected: true, elapsedMs: 12 };
  expect(shutdownLostSomething(clean)).toBe(false);
  expect(describeShutdown(clean, 8000)).toBe('payments-api: every request answered, producer flushed in 12 ms; bye');
  const lost = { unanswered: 1, withdrawn: 2, unacknowledged: 3, disconnected: false, elapsedMs: 8010 };
  expect(shutdownLostSomething(lost)).toBe(true);
  expect(describeShutdown(lost, 8000)).toBe(
    'payments-api: shutdown gave up after 8010 ms (--shutdown-timeout-ms 8000): 1 requests unanswered (their connections were closed); ' +
      '2 payments withdrawn before they were sent (not written; their clients got 503); ' +
      '3 payments sent but never acknowledged (Kafka may still write them); ' +
      'the Kafka producer did not disconnect in time; exiting 1',
  );
  for (const one of [{ unanswered: 1 }, { withdrawn: 1 }, { unacknowledged: 1 }, { disconnected: false }]) expect(shutdownLostSomething({ ...clean, ...one })).toBe(true);
});
