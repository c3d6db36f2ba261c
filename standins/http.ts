/**
 * The HTTP layer under every stand-in (and under the unit tests' fakes, which are the same code):
 * a handler is a plain object that turns one request, body already read, into one answer, so that
 * its logic is unit-testable without sockets; StandinServer puts it on one or more ports, records
 * every request, answers GET /__standin/requests and /__standin/state, and marks every answer with
 * `X-Lab-Standin: <service>` so that nobody mistakes a stand-in for the software it replaces.
 */
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export const STANDIN_HEADER = 'X-Lab-Standin';
/** Paths of the stand-in's own API; no replaced service uses a path under it. */
export const STANDIN_PATH = '/__standin';

export interface StandinRequest {
  readonly method: string;
  /** Decoded path without the query string. */
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  /** The name of the listener the request came in on (Pinot: 'controller' or 'broker'). */
  readonly listener: string;
}

export interface StandinReply {
  readonly status: number;
  /** A string is sent as is (text/plain unless contentType says otherwise); anything else as JSON. */
  readonly body?: unknown;
  readonly contentType?: string;
  readonly headers?: Readonly<Record<string, string>>;
}

/** 'close' drops the connection without an answer, the way a service that is still starting does. */
export type StandinAnswer = StandinReply | 'close';

export interface StandinHandler {
  /** The service it stands in for, as in the X-Lab-Standin header: 'ksqldb', 'elasticsearch', ... */
  readonly service: string;
  handle(req: StandinRequest): StandinAnswer;
  /** What the stand-in holds (statements, templates, documents...), for GET /__standin/state. */
  state?(): unknown;
}

export function json(status: number, body: unknown, headers?: Readonly<Record<string, string>>): StandinReply {
  return { status, body, headers };
}

/** One request as recorded: what a test or the e2e check asserts on. */
export interface RecordedRequest {
  /** 1, 2, 3...: GET /__standin/requests?since=<seq> returns the later ones only. */
  readonly seq: number;
  readonly at: string;
  readonly listener: string;
  readonly method: string;
  /** Path and query string as sent. */
  readonly path: string;
  /** The body parsed as JSON, the text when it is not JSON (NDJSON, plain text), undefined when empty. */
  readonly body: unknown;
  /** Bodies above MAX_RECORDED_BODY are cut, and this says how long they were. */
  readonly bodyBytes?: number;
  status?: number;
}

/**
 * A long rehearsal sends many bulk writes: the log keeps the newest MAX_RECORDED requests and cuts
 * bodies above MAX_RECORDED_BODY characters, and says so (dropped, bodyBytes), so that a stand-in
 * never runs out of its container's memory.
 */
export const MAX_RECORDED = 50_000;
export const MAX_RECORDED_BODY = 64 * 1024;

export function parseBody(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

export interface Listener {
  readonly name: string;
  /** 0 picks a free port (tests). */
  readonly port: number;
}

/** The loopback server with the request body read: shared by the stand-ins and the tests' raw fakes. */
export class BodyReadingServer {
  private readonly servers: Server[] = [];

  constructor(private readonly onRequest: (req: IncomingMessage, res: ServerResponse, body: string, listener: string) => void) {}

  /** Listens on every listener's port of `host` and returns the ports bound, in the same order. */
  async listen(listeners: readonly Listener[], host: string): Promise<number[]> {
    const ports: number[] = [];
    for (const l of listeners) {
      const server = createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => this.onRequest(req, res, Buffer.concat(chunks).toString('utf8'), l.name));
      });
      this.servers.push(server);
      await new Promise<void>((resolve, reject) => {
        server.once('error', (e: NodeJS.ErrnoException) =>
          reject(new Error(`cannot listen on ${host}:${l.port} for ${l.name} (${e.code ?? e.message}): another process holds the port; stop it or choose another`)),
        );
        server.listen(l.port, host, resolve);
      });
      ports.push((server.address() as AddressInfo).port);
    }
    return ports;
  }

  async stop(): Promise<void> {
    await Promise.all(
      this.servers.splice(0).map((s) => {
        s.closeAllConnections();
        return new Promise<void>((resolve) => s.close(() => resolve()));
      }),
    );
  }
}

export class StandinServer {
  readonly requests: RecordedRequest[] = [];
  /** Requests dropped from the front of `requests` to respect MAX_RECORDED. */
  dropped = 0;
  private seq = 0;
  private readonly http = new BodyReadingServer((req, res, body, listener) => this.answer(req, res, body, listener));

  constructor(readonly handler: StandinHandler) {}

  listen(listeners: readonly Listener[], host: string): Promise<number[]> {
    return this.http.listen(listeners, host);
  }

  /** One listener on a free port of 127.0.0.1; returns its base URL (tests). */
  async startLoopback(): Promise<string> {
    const [port] = await this.listen([{ name: 'http', port: 0 }], '127.0.0.1');
    return `http://127.0.0.1:${port}`;
  }

  stop(): Promise<void> {
    return this.http.stop();
  }

  private record(req: IncomingMessage, text: string, listener: string): RecordedRequest {
    const cut = text.length > MAX_RECORDED_BODY;
    const entry: RecordedRequest = {
      seq: ++this.seq,
      at: new Date().toISOString(),
      listener,
      method: req.method ?? 'GET',
      path: req.url ?? '/',
      body: cut ? text.slice(0, MAX_RECORDED_BODY) : parseBody(text),
      ...(cut ? { bodyBytes: Buffer.byteLength(text) } : {}),
    };
    this.requests.push(entry);
    if (this.requests.length > MAX_RECORDED) {
      this.requests.shift();
      this.dropped++;
    }
    return entry;
  }

  /** The stand-in's own API: never recorded, so that reading the log does not change it. */
  private own(path: string, query: URLSearchParams): StandinReply {
    if (path === `${STANDIN_PATH}/requests`) {
      const since = Number(query.get('since') ?? '0');
      const prefix = query.get('path') ?? '';
      return json(200, {
        service: this.handler.service,
        dropped: this.dropped,
        requests: this.requests.filter((r) => r.seq > since && r.path.startsWith(prefix)),
      });
    }
    if (path === `${STANDIN_PATH}/state`) return json(200, { service: this.handler.service, state: this.handler.state?.() ?? null });
    return json(404, { error: `${path}: the stand-in's own API has ${STANDIN_PATH}/requests and ${STANDIN_PATH}/state` });
  }

  private answer(req: IncomingMessage, res: ServerResponse, text: string, listener: string): void {
    const url = new URL(req.url ?? '/', 'http://standin');
    const path = safeDecode(url.pathname);
    let reply: StandinAnswer;
    let entry: RecordedRequest | undefined;
    if (path.startsWith(`${STANDIN_PATH}/`) && req.method === 'GET') {
      reply = this.own(path, url.searchParams);
    } else {
      entry = this.record(req, text, listener);
      try {
        reply = this.handler.handle({ method: req.method ?? 'GET', path, query: url.searchParams, headers: req.headers, body: text, listener });
      } catch (e) {
        // A handler bug must show as the stand-in's own failure, not as a hung client.
        reply = json(500, { error: `${this.handler.service} stand-in failed on ${req.method} ${req.url}: ${e instanceof Error ? e.message : String(e)}` });
      }
    }
    if (reply === 'close') {
      if (entry) entry.status = 0;
      req.socket.destroy();
      return;
    }
    if (entry) entry.status = reply.status;
    const isText = typeof reply.body === 'string';
    const payload = reply.body === undefined || req.method === 'HEAD' ? '' : isText ? (reply.body as string) : JSON.stringify(reply.body);
    res.writeHead(reply.status, {
      'Content-Type': reply.contentType ?? (isText ? 'text/plain; charset=UTF-8' : 'application/json'),
      [STANDIN_HEADER]: this.handler.service,
      ...reply.headers,
    });
    res.end(payload);
  }
}

function safeDecode(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

/** The header value or the first of several. */
export function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}
