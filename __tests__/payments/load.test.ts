import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isLoopbackAddress } from '../../lib/loopback';
import { assertLoopback, percentile, runLoad } from '../../payments/load';
import { parseLoadtestArgs } from '../../payments/loadtest';

describe('percentile (nearest rank)', () => {
  const values = Array.from({ length: 100 }, (_, i) => i + 1);
  it('picks the value at the rank', () => {
    expect(percentile(values, 50)).toBe(50);
    expect(percentile(values, 95)).toBe(95);
    expect(percentile(values, 99)).toBe(99);
    expect(percentile(values, 100)).toBe(100);
    expect(percentile([7], 99)).toBe(7);
    expect(percentile([], 50)).toBeNaN();
  });
});

describe('loopback-only targets', () => {
  it.each([['127.0.0.1'], ['127.3.4.5'], ['::1'], ['[::1]'], ['::ffff:127.0.0.1']])('%s is loopback', (address) => {
    expect(isLoopbackAddress(address)).toBe(true);
  });
  it.each([['10.0.0.1'], ['192.168.1.10'], ['172.16.0.1'], ['8.8.8.8'], ['::2']])('%s is not', (address) => {
    expect(isLoopbackAddress(address)).toBe(false);
  });
  it('refuses a private or public address unless --allow-remote, saying so', async () => {
    await expect(assertLoopback('http://10.1.2.3:8000')).rejects.toThrow(/not a loopback address.*--allow-remote/);
    await expect(assertLoopback('http://192.168.0.9')).rejects.toThrow(/not a loopback address/);
    await expect(assertLoopback('http://127.0.0.1:8000')).resolves.toBeUndefined();
    await expect(assertLoopback('http://localhost:8000')).resolves.toBeUndefined();
  });
});

describe('parseLoadtestArgs', () => {
  it('bounds the run by duration and by count (rate x duration)', () => {
    const parsed = parseLoadtestArgs(['--rate', '200', '--duration', '3', '--connections', '4', '--endpoint', 'payment_avro,payment_json', '--method', 'post']);
    if (parsed.help) throw new Error('expected options');
    expect(parsed.options).toMatchObject({ rate: 200, durationSeconds: 3, connections: 4, maxRequests: 600, method: 'POST', paths: ['/payment_avro', '/payment_json'], url: 'http://127.0.0.1:8000' });
    const body = JSON.parse(parsed.options.body!(0)) as Record<string, unknown>;
    expect(Object.keys(body).sort()).toEqual(['created_at', 'id', 'payee_account_no', 'payee_bank', 'payment_amount', 'payment_method', 'payor_account_no']);
    expect(JSON.parse(parsed.options.body!(1)).id).not.toBe(body.id);
  });
  it('refuses out-of-range values, naming the flag', () => {
    expect(() => parseLoadtestArgs(['--duration', '0'])).toThrow(/--duration must be an integer from 1 to 3600/);
    expect(() => parseLoadtestArgs(['--method', 'DELETE'])).toThrow(/--method must be GET or POST/);
    expect(() => parseLoadtestArgs(['--url', 'https://127.0.0.1'])).toThrow(/http:\/\//);
  });
});

describe('runLoad against an in-process server on 127.0.0.1', () => {
  let server: Server;
  let url: string;
  let received = 0;
  beforeAll(async () => {
    server = createServer((req, res) => {
      received++;
      req.resume();
      const status = req.url === '/fail' ? 503 : 201;
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ id: `p${received}` }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  it('sends exactly max-requests when that bound comes first, counts answers and collects acknowledged ids', async () => {
    received = 0;
    const result = await runLoad({ url, paths: ['/ok'], method: 'POST', body: () => '{}', rate: 0, durationSeconds: 30, connections: 4, maxRequests: 40, timeoutMs: 5000 }, true);
    expect(received).toBe(40);
    expect(result).toMatchObject({ requests: 40, ok: 40, errorCount: 0 });
    expect(result.acknowledgedIds).toHaveLength(40);
    expect(result.latencyMs.p50).toBeGreaterThan(0);
    expect(result.latencyMs.p99).toBeGreaterThanOrEqual(result.latencyMs.p50);
  });

  it('counts non-2xx answers by status as errors, rotating over the paths', async () => {
    received = 0;
    const result = await runLoad({ url, paths: ['/ok', '/fail'], method: 'GET', rate: 0, durationSeconds: 30, connections: 2, maxRequests: 10, timeoutMs: 5000 });
    expect(result).toMatchObject({ requests: 10, ok: 5, errorCount: 5, errors: { 'HTTP 503': 5 } });
  });

  it('paces to the rate and stops at the duration', async () => {
    received = 0;
    const result = await runLoad({ url, paths: ['/ok'], method: 'GET', rate: 50, durationSeconds: 1, connections: 2, maxRequests: 1000, timeoutMs: 5000 });
    // Slots are 20 ms apart; the 50th is the last before the 1 s end, however slow the answers.
    expect(result.requests).toBe(50);
    expect(received).toBe(50);
  });

  it('counts connection failures as errors by code', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const result = await runLoad({ url: `http://127.0.0.1:${port}`, paths: ['/'], method: 'GET', rate: 0, durationSeconds: 5, connections: 1, maxRequests: 3, timeoutMs: 1000 });
    expect(result).toMatchObject({ ok: 0, errorCount: 3, errors: { ECONNREFUSED: 3 } });
  });
});
