import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';

/** What the upstream saw of one request. */
export interface SeenRequest {
  readonly method: string;
  readonly url: string;
  readonly httpVersion: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/**
 * A plain-http service for the proxy to stand in front of, on 127.0.0.1:
 * - any path: answers 200 with the request it saw as JSON (SeenRequest);
 * - `/stream`: writes `first\n`, then waits until `releaseStream()` (at most 10 s) before
 *   `second\n` and the end, so a client can tell whether the first piece reached it before the end;
 * - `/redirect?to=<location>`: answers 302 with that Location;
 * - an `Upgrade: websocket` request: answers 101 and echoes every byte back.
 */
export interface EchoUpstream {
  readonly port: number;
  /** Every request and upgrade it received, in order. */
  readonly seen: readonly SeenRequest[];
  /** Whether the `/stream` answer has ended. */
  streamEnded(): boolean;
  releaseStream(): void;
  close(): Promise<void>;
}

const STREAM_HOLD_MS = 10_000;

export async function startEchoUpstream(): Promise<EchoUpstream> {
  const seen: SeenRequest[] = [];
  let ended = false;
  let release: () => void = () => undefined;
  // Upgraded sockets leave the HTTP server's bookkeeping but still hold server.close() open.
  const upgraded = new Set<Duplex>();

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const request = { method: req.method ?? '', url: req.url ?? '', httpVersion: req.httpVersion, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      seen.push(request);
      const url = new URL(request.url, 'http://upstream');
      if (url.pathname === '/stream') {
        ended = false;
        res.writeHead(200, { 'Content-Type': 'text/plain' });
        res.write('first\n');
        const released = new Promise<void>((done) => {
          release = done;
          setTimeout(done, STREAM_HOLD_MS).unref();
        });
        void released.then(() => {
          ended = true;
          res.end('second\n');
        });
      } else if (url.pathname === '/redirect') {
        res.writeHead(302, { Location: url.searchParams.get('to') ?? '/' }).end();
      } else {
        res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(request));
      }
    });
  });
  server.on('upgrade', (req, socket, head) => {
    seen.push({ method: req.method ?? '', url: req.url ?? '', httpVersion: req.httpVersion, headers: req.headers, body: '' });
    socket.write('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n');
    if (head.length > 0) socket.write(head);
    upgraded.add(socket);
    socket.on('close', () => upgraded.delete(socket));
    socket.pipe(socket);
  });
  await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
  const { port } = server.address() as AddressInfo;
  return {
    port,
    seen,
    streamEnded: () => ended,
    releaseStream: () => release(),
    close: () =>
      new Promise<void>((closed) => {
        release();
        server.closeAllConnections();
        for (const socket of upgraded) socket.destroy();
        server.close(() => closed());
      }),
  };
}
