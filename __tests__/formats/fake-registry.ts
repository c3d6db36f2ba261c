/**
 * An in-process stand-in for Confluent Schema Registry, used because the real one cannot run in
 * `npm test` (no services, no network). It follows the documented REST contract for the calls
 * the client makes: POST /subjects/{subject}/versions with {schema, schemaType} -> {id} (the same
 * id for the same schema text and type), GET /schemas/ids/{id} -> {schema, schemaType} (schemaType
 * omitted for AVRO), errors as {error_code, message}. The integration tests use a real registry.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
}

export interface FakeRegistry {
  /** Base URL including `prefix`, e.g. http://127.0.0.1:1234/apis/ccompat/v7. */
  readonly url: string;
  readonly requests: RecordedRequest[];
  /** Answer the next POSTs with this status and error body instead of registering. */
  failWith(status: number, errorCode: number, message: string, times?: number): void;
  /** Delay every answer (to provoke client timeouts). */
  delayMs: number;
  close(): Promise<void>;
}

export async function startFakeRegistry(prefix = ''): Promise<FakeRegistry> {
  const ids = new Map<string, number>();
  const schemas = new Map<number, { schema: string; schemaType: string }>();
  const requests: RecordedRequest[] = [];
  let failure: { status: number; errorCode: number; message: string; times: number } | undefined;
  const state = { delayMs: 0 };

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      const answer = (status: number, payload: unknown): void => {
        setTimeout(() => {
          res.writeHead(status, { 'content-type': 'application/vnd.schemaregistry.v1+json' });
          res.end(JSON.stringify(payload));
        }, state.delayMs);
      };
      const path = (req.url ?? '').startsWith(prefix) ? (req.url ?? '').slice(prefix.length) : '';
      const register = /^\/subjects\/([^/]+)\/versions$/.exec(path);
      const byId = /^\/schemas\/ids\/(\d+)$/.exec(path);
      if (req.method === 'POST' && register) {
        if (failure !== undefined && failure.times > 0) {
          failure.times--;
          answer(failure.status, { error_code: failure.errorCode, message: failure.message });
          return;
        }
        const parsed = JSON.parse(body) as { schema?: string; schemaType?: string };
        if (typeof parsed.schema !== 'string') {
          answer(422, { error_code: 42201, message: 'Invalid schema' });
          return;
        }
        const schemaType = parsed.schemaType ?? 'AVRO';
        const key = `${schemaType}\u0000${parsed.schema}`;
        let id = ids.get(key);
        if (id === undefined) {
          id = ids.size + 1;
          ids.set(key, id);
          schemas.set(id, { schema: parsed.schema, schemaType });
        }
        answer(200, { id });
      } else if (req.method === 'GET' && byId) {
        const found = schemas.get(Number(byId[1]));
        if (found === undefined) answer(404, { error_code: 40403, message: 'Schema not found' });
        else answer(200, found.schemaType === 'AVRO' ? { schema: found.schema } : found);
      } else {
        answer(404, { error_code: 404, message: 'HTTP 404 Not Found' });
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${prefix}`,
    requests,
    failWith(status, errorCode, message, times = 1) {
      failure = { status, errorCode, message, times };
    },
    get delayMs() {
      return state.delayMs;
    },
    set delayMs(value: number) {
      state.delayMs = value;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
