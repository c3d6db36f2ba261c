/**
 * The HTTP plumbing of the payments API: answering in JSON, reading a bounded body, and telling a
 * client's mistake (400, 415) or a client's departure from a fault of the server.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

export type Json = Readonly<Record<string, unknown>>;

/** The client sent something the API cannot accept: 400 naming `field`. */
export class BadRequest extends Error {
  constructor(
    readonly field: string,
    message: string,
    /** The body was not read to its end: the connection cannot carry another request. */
    readonly closeConnection = false,
  ) {
    super(message);
  }
}

/** 415: a POST that does not say its body is JSON. */
export class UnsupportedMediaType extends Error {}

/** The client closed the connection before its request was complete: expected, nobody to answer. */
export class ClientGone extends Error {}

export function send(response: ServerResponse, status: number, body: Json, headers: Readonly<Record<string, string>> = {}): void {
  // A client that went away has nobody left to read the answer; writing would only raise errors.
  if (response.destroyed || response.writableEnded) return;
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  response.end(text);
}

/**
 * POST bodies must be declared `application/json` (a `charset`, if given, must be UTF-8). Besides
 * naming the format, this keeps web pages out: a browser sends `application/json` cross-origin
 * only after a CORS preflight, which this API does not grant, while `text/plain` forms go
 * through without one.
 */
export function requireJsonContentType(request: IncomingMessage): void {
  const header = request.headers['content-type'];
  const [type = '', ...parameters] = (header ?? '').split(';').map((part) => part.trim().toLowerCase());
  const charset = parameters.find((p) => p.startsWith('charset='))?.slice('charset='.length).replace(/^"|"$/g, '');
  if (type === 'application/json' && (charset === undefined || charset === 'utf-8' || charset === 'utf8')) return;
  throw new UnsupportedMediaType(
    `POST bodies must be sent with Content-Type: application/json (UTF-8), got ${header === undefined ? 'no Content-Type' : `'${header.slice(0, 100)}'`}; ` +
      "set the header, e.g. curl -H 'content-type: application/json'",
  );
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/** Reads the body up to `limit` bytes; a bigger one is refused without reading the rest. */
export function readBody(request: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    return Promise.reject(new BadRequest('(body)', `is ${declared} bytes; at most ${limit} bytes are accepted`, true));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (error?: Error): void => {
      if (done) return;
      done = true;
      if (error === undefined) resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks));
      else reject(error);
    };
    request.on('data', (chunk: Buffer) => {
      if (done) return;
      size += chunk.length;
      if (size > limit) {
        request.pause();
        finish(new BadRequest('(body)', `is more than ${limit} bytes; at most ${limit} bytes are accepted`, true));
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => finish());
    // Node reports a client that hung up mid-body as an 'aborted' error (ECONNRESET), or only as
    // 'close' before 'end'. Either way there is no one to answer and nothing to log at length.
    request.on('error', (error: NodeJS.ErrnoException) => finish(new ClientGone(`client closed the connection mid-body (${error.code ?? error.message})`)));
    request.on('close', () => finish(new ClientGone('client closed the connection mid-body')));
  });
}

export function parseJson(body: Buffer): unknown {
  if (body.length === 0) throw new BadRequest('(body)', 'is empty; POST a payment as a JSON object');
  let text: string;
  try {
    text = UTF8.decode(body);
  } catch {
    // Decoding leniently would turn the bad bytes into U+FFFD: a payment other than the one sent.
    throw new BadRequest('(body)', 'is not valid UTF-8; send the JSON encoded as UTF-8');
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new BadRequest('(body)', `is not valid JSON (${error instanceof Error ? error.message : String(error)})`);
  }
}
