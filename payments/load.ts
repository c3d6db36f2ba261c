/**
 * An HTTP load generator for the payments API (and, in the benchmark, for a bare node:http server):
 * `connections` keep-alive connections, each sending its next request when the previous one is
 * answered and its slot of the target rate has come. Bounded by duration and by request count.
 * Each connection is a small HTTP/1.1 client of its own (http1-client.ts), not node:http's, whose
 * per-request bookkeeping cost the load tool more CPU than the server it measured.
 */
import { lookup } from 'node:dns/promises';
import { isLoopbackAddress } from '../lib/loopback';
import { Http1Connection, Http1Error } from './http1-client';

export interface LoadOptions {
  /** Base URL, e.g. http://127.0.0.1:8000. */
  readonly url: string;
  /** Paths requested in rotation, e.g. ['/payment_json']. */
  readonly paths: readonly string[];
  readonly method: 'GET' | 'POST';
  /** Body of the n-th POST (called once per request). */
  readonly body?: (n: number) => string;
  /** Requests per second for all connections together; 0 = as fast as the server answers. */
  readonly rate: number;
  readonly durationSeconds: number;
  readonly connections: number;
  /** Stop after this many requests even if time is left. */
  readonly maxRequests: number;
  readonly timeoutMs: number;
}

export interface LoadResult {
  readonly requests: number;
  /** 2xx answers. */
  readonly ok: number;
  /** Non-2xx answers by status, and failures without an answer by error code. */
  readonly errors: Readonly<Record<string, number>>;
  readonly errorCount: number;
  readonly elapsedSeconds: number;
  readonly requestsPerSecond: number;
  /** Latency of the answered requests (any status), milliseconds. */
  readonly latencyMs: { readonly p50: number; readonly p95: number; readonly p99: number; readonly max: number; readonly mean: number };
  /** Ids of the payments the API acknowledged (2xx with {id}), when `collectIds` was asked for. */
  readonly acknowledgedIds?: readonly string[];
}

/** Nearest-rank percentile of an ascending array. */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
}

const LOOPBACK_NAMES = new Set(['localhost', 'ip6-localhost', 'ip6-loopback']);

/** Throws unless every address `url`'s host resolves to is a loopback address. */
export async function assertLoopback(url: string): Promise<void> {
  const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
  if (isLoopbackAddress(host)) return;
  const addresses = LOOPBACK_NAMES.has(host) ? [] : await lookup(host, { all: true }).catch(() => []);
  if (LOOPBACK_NAMES.has(host) || (addresses.length > 0 && addresses.every((a) => isLoopbackAddress(a.address)))) return;
  throw new Error(
    `refusing to load ${url}: ${host} is not a loopback address (127.0.0.0/8, ::1, localhost). ` +
      'A load test sends thousands of requests per second; pass --allow-remote only for a server you run yourself.',
  );
}

export async function runLoad(options: LoadOptions, collectIds = false): Promise<LoadResult> {
  if (options.connections < 1) throw new Error('connections must be at least 1');
  const base = new URL(options.url);
  if (base.protocol !== 'http:') throw new Error(`cannot load ${options.url}: the load tool speaks plain HTTP/1.1; give an http:// URL`);
  const host = base.hostname.replace(/^\[|\]$/g, '');
  const port = base.port === '' ? 80 : Number(base.port);
  const prefix = base.pathname.replace(/\/$/, '');
  const connections = Array.from({ length: options.connections }, () => new Http1Connection(host, port));
  const latencies: number[] = [];
  const errors: Record<string, number> = {};
  const ids: string[] = [];
  let ok = 0;
  let issued = 0;
  const start = performance.now();
  const end = start + options.durationSeconds * 1000;
  const interval = options.rate > 0 ? 1000 / options.rate : 0;
  // One timer looks for answers overdue on every connection, instead of a timer per request.
  const watchdog = setInterval(() => {
    const now = performance.now();
    for (const connection of connections) connection.expire(now, options.timeoutMs);
  }, Math.max(10, Math.min(250, options.timeoutMs / 4)));

  const count = (key: string): void => {
    errors[key] = (errors[key] ?? 0) + 1;
  };

  const once = async (connection: Http1Connection, n: number): Promise<void> => {
    const path = `${prefix}${options.paths[n % options.paths.length]}`;
    const body = options.method === 'POST' && options.body ? options.body(n) : undefined;
    const request =
      body === undefined
        ? `${options.method} ${path} HTTP/1.1\r\nhost: ${base.host}\r\n\r\n`
        : `${options.method} ${path} HTTP/1.1\r\nhost: ${base.host}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
    const sent = performance.now();
    try {
      const answer = await connection.exchange(request);
      latencies.push(performance.now() - sent);
      if (answer.status >= 200 && answer.status < 300) {
        ok++;
        if (collectIds) {
          const id = (JSON.parse(answer.body.toString('utf8')) as { id?: unknown }).id;
          if (typeof id === 'string') ids.push(id);
        }
      } else count(`HTTP ${answer.status}`);
    } catch (error) {
      count(error instanceof Http1Error ? error.code : String(error));
    }
  };

  const worker = async (connection: Http1Connection): Promise<void> => {
    for (;;) {
      if (issued >= options.maxRequests) return;
      const n = issued++;
      if (interval > 0) {
        const due = start + n * interval;
        const now = performance.now();
        if (due >= end) return;
        if (due > now) await new Promise((resolve) => setTimeout(resolve, due - now));
      } else if (performance.now() >= end) return;
      await once(connection, n);
    }
  };

  await Promise.all(connections.map(worker));
  const elapsedSeconds = (performance.now() - start) / 1000;
  clearInterval(watchdog);
  for (const connection of connections) connection.close();
  latencies.sort((a, b) => a - b);
  const errorCount = Object.values(errors).reduce((sum, n) => sum + n, 0);
  const requests = ok + errorCount;
  return {
    requests,
    ok,
    errors,
    errorCount,
    elapsedSeconds,
    requestsPerSecond: requests / elapsedSeconds,
    latencyMs: {
      p50: percentile(latencies, 50),
      p95: percentile(latencies, 95),
      p99: percentile(latencies, 99),
      max: latencies.length > 0 ? latencies[latencies.length - 1] : Number.NaN,
      mean: latencies.length > 0 ? latencies.reduce((sum, v) => sum + v, 0) / latencies.length : Number.NaN,
    },
    ...(collectIds ? { acknowledgedIds: ids } : {}),
  };
}

export function formatLoadResult(label: string, result: LoadResult): string {
  const ms = (v: number): string => (Number.isNaN(v) ? '-' : v.toFixed(2));
  const errorText = result.errorCount === 0 ? '0' : `${result.errorCount} (${Object.entries(result.errors).map(([k, v]) => `${k}: ${v}`).join(', ')})`;
  return [
    `${label}`,
    `  requests     ${result.requests} in ${result.elapsedSeconds.toFixed(2)} s, ${result.ok} ok`,
    `  achieved     ${result.requestsPerSecond.toFixed(0)} requests/s`,
    `  latency ms   p50 ${ms(result.latencyMs.p50)}  p95 ${ms(result.latencyMs.p95)}  p99 ${ms(result.latencyMs.p99)}  max ${ms(result.latencyMs.max)}`,
    `  errors       ${errorText}`,
  ].join('\n');
}
