/**
 * The destroy-time probe of the ops CLIs: a service that nothing serves any more is "gone" (its
 * objects went with it), one that answers, even with an error, is not.
 */
import { createServer, type Server } from 'node:http';
import { OBJECT_LOGIN_ENV } from '../../ops/object-env';
import { goneMessage, PROXY_UPSTREAM_GONE_HEADER, serviceGone } from '../../ops/service-gone';
import { closedPortUrl } from '../support/closed-port';

describe('serviceGone', () => {
  let server: Server | undefined;
  afterEach(async () => {
    if (server) await new Promise<void>((resolve) => server!.close(() => resolve()));
    server = undefined;
  });

  it('names the cause when nothing listens', async () => {
    expect(await serviceGone(await closedPortUrl())).toMatch(/ECONNREFUSED/);
  });

  it('is undefined when the service answers, even with a server error', async () => {
    server = createServer((_, res) => res.writeHead(500).end('boom'));
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    expect(await serviceGone(`http://127.0.0.1:${port}`)).toBeUndefined();
  });

  it('is undefined when the service accepts but does not answer in time (a frozen service is not gone)', async () => {
    server = createServer(() => undefined);
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    expect(await serviceGone(`http://127.0.0.1:${port}`, 200)).toBeUndefined();
    server.closeAllConnections();
  });

  it('is gone behind the lab proxy only for the proxy\'s own marked 502, not for a 502 of the service itself', async () => {
    let marked = true;
    server = createServer((_, res) => res.writeHead(502, marked ? { [PROXY_UPSTREAM_GONE_HEADER]: '1' } : {}).end('bad gateway'));
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    expect(await serviceGone(url)).toBe(`the proxy at ${url} reaches no service`);
    marked = false;
    expect(await serviceGone(url)).toBeUndefined();
  });

  it('logs in with the applier\'s login, so that the proxy does not stop it at 401', async () => {
    let seen: string | undefined;
    server = createServer((req, res) => {
      seen = req.headers.authorization;
      res.writeHead(200).end();
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const previous = process.env[OBJECT_LOGIN_ENV];
    process.env[OBJECT_LOGIN_ENV] = 'lab-deployer:secret';
    try {
      await serviceGone(`http://127.0.0.1:${(server.address() as { port: number }).port}`);
    } finally {
      if (previous === undefined) delete process.env[OBJECT_LOGIN_ENV];
      else process.env[OBJECT_LOGIN_ENV] = previous;
    }
    expect(seen).toBe(`Basic ${Buffer.from('lab-deployer:secret').toString('base64')}`);
  });

  it('says which object, where and why in one line', () => {
    expect(goneMessage('connect', 'connector "x"', 'http://127.0.0.1:8083', 'fetch failed (ECONNREFUSED)')).toBe(
      'connect: connector "x": nothing answers at http://127.0.0.1:8083 (fetch failed (ECONNREFUSED)); the service is gone and its objects with it, so there is nothing to delete',
    );
  });
});
