/**
 * platform/app-healthchecks.ts: the generators' and the payments API's health checks are the very
 * commands the stack synthesizes (['CMD', 'bash', '-c', script]), run here with this machine's bash
 * (the app image has bash 5.2 too) against a health file the generator's own writer wrote and a
 * local HTTP server.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { healthFileLine, startHealthFile } from '../../generators/runtime/health';
import { healthFilesCheck, httpStatusCheck } from '../../platform/app-healthchecks';
import { runHealthCheck } from '../../integration/support/health-check';

/** The check's exit status and its output, trimmed. */
async function run(check: string[]): Promise<{ code: number | null; output: string }> {
  const { code, output } = await runHealthCheck(check);
  return { code, output: output.trim() };
}

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'app-health-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('the generator health file check', () => {
  it('is healthy while the written time is within the limit, and says how old it is', async () => {
    const file = join(dir, 'healthy');
    writeFileSync(file, healthFileLine());
    expect(await run(healthFilesCheck([file], 30))).toEqual({ code: 0, output: expect.stringMatching(new RegExp(`^${file} is [01] s old$`)) });
  });

  it('is unhealthy once the time is older than the limit', async () => {
    const file = join(dir, 'healthy');
    writeFileSync(file, healthFileLine(new Date(Date.now() - 45_000)));
    expect(await run(healthFilesCheck([file], 30))).toEqual({ code: 1, output: expect.stringMatching(/ is 4[5-6] s old \(limit 30 s\): sends are stuck or failed$/) });
  });

  it('is unhealthy without the file, naming it', async () => {
    const file = join(dir, 'missing');
    expect(await run(healthFilesCheck([file], 30))).toEqual({ code: 1, output: `${file} does not exist: the generator has not delivered yet` });
  });

  it('does not evaluate what the file holds when it is not a number', async () => {
    const file = join(dir, 'healthy');
    const marker = join(dir, 'evaluated');
    // No spaces: read splits the first word off; unguarded, bash arithmetic would run the command.
    writeFileSync(file, `a[$(id>${marker})] 2026\n`);
    expect(await run(healthFilesCheck([file], 30))).toEqual({ code: 1, output: `${file} does not start with epoch seconds` });
    expect(existsSync(marker)).toBe(false);
  });

  it('reads what the generator writes', async () => {
    const file = join(dir, 'healthy');
    const stop = startHealthFile(file, () => true, 60_000);
    try {
      for (let i = 0; i < 50 && !existsSync(file); i++) await new Promise((r) => setTimeout(r, 20));
      expect((await run(healthFilesCheck([file], 30))).code).toBe(0);
    } finally {
      stop();
    }
  });

  it('with several files (one per dataset) is healthy only when all are fresh, and names each stale one', async () => {
    const [fresh, old, missing] = ['server_logs', 'ratings', 'payments'].map((name) => join(dir, name));
    writeFileSync(fresh, healthFileLine());
    writeFileSync(old, healthFileLine(new Date(Date.now() - 45_000)));
    expect(await run(healthFilesCheck([fresh, old, missing], 30))).toEqual({
      code: 1,
      output: expect.stringMatching(
        new RegExp(`^${fresh} is [01] s old\n${old} is 4[5-6] s old \\(limit 30 s\\): sends are stuck or failed\n${missing} does not exist: the generator has not delivered yet$`),
      ),
    });
    writeFileSync(old, healthFileLine());
    writeFileSync(missing, healthFileLine());
    expect((await run(healthFilesCheck([fresh, old, missing], 30))).code).toBe(0);
  });

  it('refuses a path or limit that would not make a plain script', () => {
    expect(() => healthFilesCheck([], 30)).toThrow('a health file check needs at least one health file');
    expect(() => healthFilesCheck(['/tmp/a b'], 30)).toThrow("health file '/tmp/a b' must be an absolute path");
    expect(() => healthFilesCheck(['/tmp/x'], 0)).toThrow('health file age limit 0 must be a whole number of seconds above 0');
  });
});

describe('the payments API health check', () => {
  let server: Server;
  let status = 200;
  let port: number;
  beforeAll(async () => {
    server = createServer((req, res) => {
      res.writeHead(req.url === '/healthz' ? status : 404, { 'content-type': 'application/json' });
      res.end('{}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('is healthy on a 2xx answer, unhealthy on any other, naming the status line', async () => {
    status = 200;
    expect((await run(httpStatusCheck(port, '/healthz'))).code).toBe(0);
    status = 503;
    expect(await run(httpStatusCheck(port, '/healthz'))).toEqual({ code: 1, output: '/healthz answered: HTTP/1.1 503 Service Unavailable' });
    expect(await run(httpStatusCheck(port, '/elsewhere'))).toEqual({ code: 1, output: '/elsewhere answered: HTTP/1.1 404 Not Found' });
  });

  it('is unhealthy when nothing listens, and when the listener never answers', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const freePort = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    expect((await run(httpStatusCheck(freePort, '/healthz'))).code).toBe(1);

    const silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const silentPort = (silent.address() as AddressInfo).port;
      expect(await run(httpStatusCheck(silentPort, '/healthz', 1))).toEqual({ code: 1, output: `no answer from 127.0.0.1:${silentPort}/healthz within 1 s` });
    } finally {
      silent.closeAllConnections();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });
});
