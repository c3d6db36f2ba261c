/**
 * `npm run bench:idempotency-memory`: the heap the payments API's idempotency store keeps per
 * remembered payment id, filled as the app fills it (BENCH_IDS ids, default 50,000, the default
 * PAYMENTS_IDEMPOTENCY_MAX_IDS; each settled with the shared receipt the app stores). The id
 * strings are made beforehand and not counted: the store keeps them as its keys, whatever it is.
 * BENCH_VS=<git revision>: the same with that revision's payments/idempotency.ts (its answers one
 * object per payment, as the app stored them before receipts were shared). Prints figures; asserts
 * nothing. Runs under --expose-gc (the npm script sets it) to measure after full collections.
 */
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FingerprintPart } from '../payments/idempotency';

interface AnyStore {
  begin(id: string, fingerprint: unknown, outcome: Promise<unknown>): void;
  readonly size: number;
}
interface StoreModule {
  IdempotencyStore: new (options: { ttlMs: number; maxIds: number }) => AnyStore;
  fingerprintOf(parts: readonly FingerprintPart[]): unknown;
}

const IDS = Number(process.env.BENCH_IDS ?? 50_000);
const ROOT = join(__dirname, '..');
const collect = (globalThis as { gc?: () => void }).gc;

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** A store of `maxIds` filled with `ids`, each settled as a request's outcome is. */
async function fill(module: StoreModule, maxIds: number, ids: readonly string[], answerOf: (id: string) => unknown): Promise<AnyStore> {
  const store = new module.IdempotencyStore({ ttlMs: 900_000, maxIds });
  for (let n = 0; n < ids.length; n++) {
    store.begin(ids[n], module.fingerprintOf(['/payment_json', ids[n], 'Bank of A', 10.5 + n, n % 7, 1_700_000_000_000 + n]), Promise.resolve(answerOf(ids[n])));
    // Outcomes settle between requests, as in the server.
    if (n % 100 === 99) await turn();
  }
  await turn();
  return store;
}

function heapUsed(): number {
  collect?.();
  collect?.();
  return process.memoryUsage().heapUsed;
}

async function measure(label: string, module: StoreModule, answerOf: (id: string) => unknown): Promise<void> {
  const ids = Array.from({ length: IDS }, () => randomUUID());
  // Twice with nothing kept first: compiled code and the module's own allocations are not the store's.
  await fill(module, 0, ids, answerOf);
  await fill(module, 0, ids, answerOf);
  const before = heapUsed();
  const store = await fill(module, IDS, ids, answerOf);
  const kept = heapUsed() - before;
  console.log(`${label}: ${store.size} ids remembered, ${(kept / 2 ** 20).toFixed(1)} MiB of heap, ${Math.round(kept / store.size)} bytes per id besides the id string`);
}

async function main(): Promise<void> {
  if (collect === undefined) throw new Error('run with node --expose-gc (npm run bench:idempotency-memory does)');
  const receipt = Object.freeze({ status: 201, endpoint: { topic: 'payments_json' }, schemaId: 1 });
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  await measure('this build', require('../payments/idempotency') as StoreModule, () => receipt);
  const vs = process.env.BENCH_VS;
  if (vs === undefined || vs === '') return;
  const dir = mkdtempSync(join(tmpdir(), 'idempotency-vs-'));
  try {
    const file = join(dir, 'idempotency.ts');
    writeFileSync(file, execFileSync('git', ['show', `${vs}:payments/idempotency.ts`], { cwd: ROOT }));
    const answerOf = (id: string): unknown => ({ status: 201, body: { id, topic: 'payments_json', format: 'JSON', schema_id: 1 } });
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    await measure(`${vs}`, require(file) as StoreModule, answerOf);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
