import { createServer } from 'node:net';

/**
 * A TCP port on 127.0.0.1 that nothing listens on right now. The OS picks it; another process
 * could take it before the caller binds, which is unlikely enough for tests on one machine.
 */
export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      if (address === null || typeof address === 'string') {
        server.close();
        reject(new Error('freePort: the OS returned no TCP address for a listener on 127.0.0.1:0'));
        return;
      }
      server.close(() => resolvePort(address.port));
    });
  });
}

/** Polls `probe` until it resolves true; rejects with `describe()` once `timeoutMs` passes or `abort()` says why. */
export async function waitUntil(
  probe: () => Promise<boolean>,
  options: { timeoutMs: number; intervalMs?: number; what: string; abort?: () => string | undefined; describe?: () => string },
): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    const aborted = options.abort?.();
    if (aborted !== undefined) throw new Error(`${options.what}: ${aborted}${options.describe ? `\n${options.describe()}` : ''}`);
    if (await probe().catch(() => false)) return;
    if (Date.now() > deadline) {
      throw new Error(
        `${options.what}: not ready after ${Math.round(options.timeoutMs / 1000)} s` +
          (options.describe ? `\n${options.describe()}` : ''),
      );
    }
    await new Promise((done) => setTimeout(done, options.intervalMs ?? 500));
  }
}
