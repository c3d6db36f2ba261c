/**
 * One keep-alive HTTP/1.1 connection for the load tool: a request written as one string, the
 * answer read with a small parser (status, Content-Length or chunked body, Connection: close).
 *
 * Why not node:http's client: on the two cores the benchmark shares with the API and the broker,
 * node:http's Agent and ClientRequest bookkeeping made the load tool use more CPU per request
 * (150-210 µs) than the payments API it measured, so the machine ran out of CPU before the API did.
 * A load tool needs none of it: one request at a time per connection, no redirects, no pooling.
 */
import { connect, type Socket } from 'node:net';

export interface Http1Answer {
  readonly status: number;
  readonly body: Buffer;
}

/** The connection or the answer broke the protocol, or the answer did not come: `code` says which. */
export class Http1Error extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'Http1Error';
  }
}

const HEAD_END = Buffer.from('\r\n\r\n');
const CRLF = Buffer.from('\r\n');
/** Largest status line and headers accepted; beyond it the answer is refused as malformed. */
const MAX_HEAD_BYTES = 64 * 1024;
const STATUS_LINE = /^HTTP\/1\.([01]) (\d{3})/;
const CONTENT_LENGTH = /\r\ncontent-length:[ \t]*(\d+)[ \t]*(?=\r\n|$)/i;
const CHUNKED = /\r\ntransfer-encoding:[^\r\n]*\bchunked\b/i;
const CONNECTION_CLOSE = /\r\nconnection:[^\r\n]*\bclose\b/i;
const CONNECTION_KEEP_ALIVE = /\r\nconnection:[^\r\n]*\bkeep-alive\b/i;

interface Head {
  readonly status: number;
  /** Where the body starts in the bytes read. */
  readonly bodyStart: number;
  /** undefined: chunked or read until the server closes. */
  readonly length: number | undefined;
  readonly chunked: boolean;
  /** The server closes the connection after this answer (or HTTP/1.0 without keep-alive). */
  readonly close: boolean;
}

export type ParseResult =
  | { readonly done: false }
  | { readonly done: true; readonly answer: Http1Answer; readonly close: boolean; readonly rest: Buffer };

const NOT_YET: ParseResult = { done: false };

function parseHead(bytes: Buffer): Head | undefined {
  const end = bytes.indexOf(HEAD_END);
  if (end < 0) {
    if (bytes.length > MAX_HEAD_BYTES) throw new Http1Error('HPE_HEADER_OVERFLOW', `the answer's headers are longer than ${MAX_HEAD_BYTES} bytes`);
    return undefined;
  }
  const head = bytes.toString('latin1', 0, end);
  const status = STATUS_LINE.exec(head);
  if (status === null) throw new Http1Error('HPE_INVALID_STATUS', `the answer does not start with an HTTP/1.x status line: '${head.slice(0, 40)}'`);
  const chunked = CHUNKED.test(head);
  const length = CONTENT_LENGTH.exec(head);
  const http10 = status[1] === '0';
  return {
    status: Number(status[2]),
    bodyStart: end + HEAD_END.length,
    length: chunked || length === null ? undefined : Number(length[1]),
    chunked,
    close: CONNECTION_CLOSE.test(head) || (http10 && !CONNECTION_KEEP_ALIVE.test(head)),
  };
}

/** A chunked body from `from`: its bytes and where it ends, or undefined when not all of it is here. */
function parseChunked(bytes: Buffer, from: number): { body: Buffer; end: number } | undefined {
  const parts: Buffer[] = [];
  let at = from;
  for (;;) {
    const lineEnd = bytes.indexOf(CRLF, at);
    if (lineEnd < 0) return undefined;
    // A chunk size may carry extensions after ';'.
    const sizeText = bytes.toString('latin1', at, lineEnd).split(';', 1)[0].trim();
    if (!/^[0-9a-fA-F]+$/.test(sizeText)) throw new Http1Error('HPE_INVALID_CHUNK_SIZE', `bad chunk size '${sizeText.slice(0, 20)}'`);
    const size = parseInt(sizeText, 16);
    if (size === 0) {
      // The last chunk's line, then trailer lines (ignored), then an empty line: the first
      // CRLF CRLF from the end of the size line closes the body.
      const end = bytes.indexOf(HEAD_END, lineEnd);
      if (end < 0) return undefined;
      return { body: parts.length === 1 ? parts[0] : Buffer.concat(parts), end: end + HEAD_END.length };
    }
    const dataEnd = lineEnd + 2 + size;
    if (bytes.length < dataEnd + 2) return undefined;
    parts.push(bytes.subarray(lineEnd + 2, dataEnd));
    at = dataEnd + 2;
  }
}

/**
 * Reads one answer from the bytes received so far. Informational answers (1xx) are skipped. An
 * answer without length that is not chunked runs until the server closes: call `atClose`.
 */
export function parseAnswer(bytes: Buffer): ParseResult {
  let from = bytes;
  for (;;) {
    const head = parseHead(from);
    if (head === undefined) return NOT_YET;
    if (head.status >= 100 && head.status < 200 && head.status !== 101) {
      from = from.subarray(head.bodyStart);
      continue;
    }
    if (head.chunked) {
      const chunked = parseChunked(from, head.bodyStart);
      if (chunked === undefined) return NOT_YET;
      return { done: true, answer: { status: head.status, body: chunked.body }, close: head.close, rest: from.subarray(chunked.end) };
    }
    if (head.length === undefined) return NOT_YET;
    const end = head.bodyStart + head.length;
    if (from.length < end) return NOT_YET;
    return { done: true, answer: { status: head.status, body: from.subarray(head.bodyStart, end) }, close: head.close, rest: from.subarray(end) };
  }
}

/** The answer of a server that closed the connection: complete only if it had no length to give. */
export function answerAtClose(bytes: Buffer): Http1Answer | undefined {
  const head = parseHead(bytes);
  if (head === undefined || head.chunked || head.length !== undefined) return undefined;
  return { status: head.status, body: bytes.subarray(head.bodyStart) };
}

interface Waiting {
  readonly resolve: (answer: Http1Answer) => void;
  readonly reject: (error: Http1Error) => void;
  readonly sentAt: number;
}

const EMPTY = Buffer.alloc(0);

export class Http1Connection {
  private socket: Socket | undefined;
  private received: Buffer = EMPTY;
  private waiting: Waiting | undefined;

  constructor(
    private readonly host: string,
    private readonly port: number,
  ) {}

  /** Sends `request` (a whole HTTP/1.1 request: head and body) and resolves with the answer. */
  exchange(request: string): Promise<Http1Answer> {
    if (this.waiting !== undefined) return Promise.reject(new Http1Error('EBUSY', 'a request is already waiting on this connection'));
    // A socket the server has ended or reset, whose 'close' has not been handled yet, takes no request.
    const socket = this.socket?.writable === true ? this.socket : this.open();
    return new Promise<Http1Answer>((resolve, reject) => {
      this.waiting = { resolve, reject, sentAt: performance.now() };
      socket.write(request);
    });
  }

  /** Fails the waiting request if it has waited longer than `timeoutMs` (one timer for all connections). */
  expire(now: number, timeoutMs: number): void {
    if (this.waiting !== undefined && now - this.waiting.sentAt > timeoutMs) {
      this.fail(new Http1Error(`timeout after ${timeoutMs} ms`, `no answer within ${timeoutMs} ms`));
    }
  }

  /** Closes the connection; a request still waiting fails (ECLOSED). The next exchange opens a new one. */
  close(): void {
    const waiting = this.waiting;
    this.waiting = undefined;
    this.socket?.destroy();
    this.socket = undefined;
    waiting?.reject(new Http1Error('ECLOSED', 'the load tool closed the connection before the answer came'));
  }

  private open(): Socket {
    const socket = connect({ host: this.host, port: this.port });
    socket.setNoDelay(true);
    this.socket = socket;
    this.received = EMPTY;
    socket.on('data', (chunk: Buffer) => this.onData(socket, chunk));
    socket.on('error', (error: NodeJS.ErrnoException) => {
      if (this.socket === socket) this.fail(new Http1Error(error.code ?? 'ESOCKET', error.message));
    });
    socket.on('close', () => {
      if (this.socket !== socket) return;
      const answer = this.waiting === undefined ? undefined : answerAtClose(this.received);
      if (answer !== undefined) this.settle(answer, true);
      else this.fail(new Http1Error('ECONNRESET', 'the server closed the connection before its answer was complete'));
    });
    return socket;
  }

  private onData(socket: Socket, chunk: Buffer): void {
    if (this.socket !== socket) return;
    this.received = this.received.length === 0 ? chunk : Buffer.concat([this.received, chunk]);
    let parsed: ParseResult;
    try {
      parsed = parseAnswer(this.received);
    } catch (error) {
      this.fail(error as Http1Error);
      return;
    }
    if (!parsed.done) return;
    if (this.waiting === undefined || parsed.rest.length > 0) {
      this.fail(new Http1Error('HPE_UNEXPECTED_DATA', 'the server sent bytes that answer no request'));
      return;
    }
    this.received = EMPTY;
    this.settle(parsed.answer, parsed.close);
  }

  private settle(answer: Http1Answer, close: boolean): void {
    const waiting = this.waiting;
    this.waiting = undefined;
    if (close) this.close();
    waiting?.resolve(answer);
  }

  /** Fails the waiting request (if any) and drops the connection: the next request opens a new one. */
  private fail(error: Http1Error): void {
    const waiting = this.waiting;
    this.waiting = undefined;
    this.close();
    waiting?.reject(error);
  }
}
