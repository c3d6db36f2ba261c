/**
 * The HTTP plumbing of the payments API: answering in JSON, reading a bounded body, and telling a
 * client's mistake (400, 413, 415) or a client's departure from a fault of the server.
 */
import { isUtf8 } from 'node:buffer';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { duplicateKeyName, scanJsonText } from '../lib/json-text-scan';

export type Json = Readonly<Record<string, unknown>>;

/** The client sent something the API cannot accept: 400 naming `field`. The body was read whole. */
export class BadRequest extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

/** 415: a POST that does not say its body is JSON. */
export class UnsupportedMediaType extends Error {}

/** 413: a body over the limit. It is not read to its end, so the connection is closed. */
export class PayloadTooLarge extends Error {}

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
  // What every well-behaved client sends, taken without splitting the header.
  if (header === 'application/json') return;
  const [type = '', ...parameters] = (header ?? '').split(';').map((part) => part.trim().toLowerCase());
  const charset = parameters.find((p) => p.startsWith('charset='))?.slice('charset='.length).replace(/^"|"$/g, '');
  if (type === 'application/json' && (charset === undefined || charset === 'utf-8' || charset === 'utf8')) return;
  throw new UnsupportedMediaType(
    `POST bodies must be sent with Content-Type: application/json (UTF-8), got ${header === undefined ? 'no Content-Type' : `'${header.slice(0, 100)}'`}; ` +
      "set the header, e.g. curl -H 'content-type: application/json'",
  );
}

const hasUtf8Bom = (body: Buffer): boolean => body.length >= 3 && body[0] === 0xef && body[1] === 0xbb && body[2] === 0xbf;

/** Throws PayloadTooLarge when the request declares a body over `limit` bytes. */
export function requireDeclaredLengthWithin(request: IncomingMessage, limit: number): void {
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) throw new PayloadTooLarge(`the body is ${declared} bytes; at most ${limit} bytes are accepted`);
}

/** Reads the body up to `limit` bytes; a bigger one is refused without reading the rest. */
export function readBody(request: IncomingMessage, limit: number): Promise<Buffer> {
  try {
    requireDeclaredLengthWithin(request, limit);
  } catch (error) {
    return Promise.reject(error as Error);
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
        finish(new PayloadTooLarge(`the body is more than ${limit} bytes; at most ${limit} bytes are accepted`));
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => finish());
    // Node reports a client that hung up mid-body as an 'aborted' error (ECONNRESET), or only as
    // 'close' before 'end'. Either way there is no one to answer and nothing to log at length.
    // Every request emits 'close' once answered: the error (and its stack trace, a few µs) is
    // made only when the body really was cut short.
    request.on('error', (error: NodeJS.ErrnoException) => {
      if (!done) finish(new ClientGone(`client closed the connection mid-body (${error.code ?? error.message})`));
    });
    request.on('close', () => {
      if (!done) finish(new ClientGone('client closed the connection mid-body'));
    });
  });
}

/**
 * The body as JSON. Refused besides what JSON.parse refuses: a key given twice (JSON.parse keeps
 * the last, other readers the first), and a fraction in a number under `integerKeys` (JSON.parse
 * rounds 9007199254740990.5 to an integer). One more pass over a body of at most the size limit.
 */
export function parseJson(body: Buffer, integerKeys?: ReadonlySet<string>): unknown {
  if (body.length === 0) throw new BadRequest('(body)', 'is empty; POST a payment as a JSON object');
  // Decoding leniently would turn bad bytes into U+FFFD: a payment other than the one sent. isUtf8
  // checks without decoding (SIMD, far cheaper per request than a fatal TextDecoder), then the
  // decoding needs no checks.
  if (!isUtf8(body)) throw new BadRequest('(body)', 'is not valid UTF-8; send the JSON encoded as UTF-8');
  // A byte order mark is no part of the JSON (a TextDecoder drops it too).
  const text = hasUtf8Bom(body) ? body.toString('utf8', 3) : body.toString('utf8');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text) as unknown;
  } catch (error) {
    throw new BadRequest('(body)', `is not valid JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  const problem = scanJsonText(text, { integerKeys, parsed });
  if (problem?.kind === 'duplicate-key') {
    throw new BadRequest(
      duplicateKeyName(problem).slice(0, 100),
      `is given twice (lines ${problem.firstLine} and ${problem.line}); send each field once: JSON readers disagree on which one counts`,
    );
  }
  if (problem?.kind === 'not-an-integer') {
    const shown = problem.literal.length > 60 ? `${problem.literal.slice(0, 60)}… (${problem.literal.length} characters)` : problem.literal;
    throw new BadRequest(problem.key, `must be an integer (no fraction), got ${shown}`);
  }
  return parsed;
}
