import { spawn, spawnSync } from 'node:child_process';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import {
  API_VERSIONS_KEY,
  apiVersionsProbeScript,
  apiVersionsRequest,
  HEALTHCHECK_CLIENT_ID,
  HEALTHCHECK_CORRELATION_ID,
  kafkaHealthCheck,
} from '../../platform/kafka-healthcheck';

/** The bytes a `printf '\xNN...'` in the script writes, decoded from the script text. */
function bytesSentBy(script: string): Buffer {
  const match = /printf '((?:\\x[0-9a-f]{2})+)' >&3/.exec(script);
  if (!match) throw new Error(`no printf of the request in:\n${script}`);
  return Buffer.from(match[1].replace(/\\x/g, ''), 'hex');
}

/** Decodes a request as a broker does: size prefix, then the v1 request header. */
function decodeRequest(frame: Buffer): { apiKey: number; apiVersion: number; correlationId: number; clientId: string } {
  const size = frame.readInt32BE(0);
  expect(size).toBe(frame.length - 4);
  const clientIdLength = frame.readInt16BE(12);
  // ApiVersions v0 has an empty body: the header is everything after the size.
  expect(14 + clientIdLength).toBe(frame.length);
  return {
    apiKey: frame.readInt16BE(4),
    apiVersion: frame.readInt16BE(6),
    correlationId: frame.readInt32BE(8),
    clientId: frame.subarray(14).toString('latin1'),
  };
}

/** An ApiVersions v0 response: size, correlation id, error code, then one api_keys entry (bytes >= 0x80 included). */
function apiVersionsResponse(correlationId: number, errorCode: number): Buffer {
  const body = Buffer.alloc(4 + 2 + 4 + 6);
  body.writeInt32BE(correlationId, 0);
  body.writeInt16BE(errorCode, 4);
  body.writeInt32BE(1, 6);
  body.writeInt16BE(API_VERSIONS_KEY, 10);
  body.writeInt16BE(0, 12);
  body.writeInt16BE(0xff80 - 0x10000, 14);
  const size = Buffer.alloc(4);
  size.writeInt32BE(body.length, 0);
  return Buffer.concat([size, body]);
}

describe('apiVersionsRequest', () => {
  it('frames an ApiVersions v0 request with the given correlation and client id', () => {
    expect(decodeRequest(apiVersionsRequest(0x01020304, 'probe'))).toEqual({ apiKey: 18, apiVersion: 0, correlationId: 0x01020304, clientId: 'probe' });
  });

  it('takes any printable ASCII client id (the script hex-escapes every byte) and refuses others', () => {
    expect(() => apiVersionsRequest(1, "it's")).not.toThrow();
    expect(() => apiVersionsRequest(1, 'caf\u00e9')).toThrow(/printable ASCII/);
  });
});

describe('kafkaHealthCheck', () => {
  const test = kafkaHealthCheck(19092);

  it('runs the probe with bash, not a shell that lacks /dev/tcp, against the given port on loopback', () => {
    expect(test.slice(0, 3)).toEqual(['CMD', 'bash', '-c']);
    expect(test[3]).toContain('/dev/tcp/127.0.0.1/19092');
  });

  it('sends bytes that decode as a valid ApiVersions v0 request', () => {
    expect(decodeRequest(bytesSentBy(test[3]))).toEqual({
      apiKey: 18,
      apiVersion: 0,
      correlationId: HEALTHCHECK_CORRELATION_ID,
      clientId: HEALTHCHECK_CLIENT_ID,
    });
  });

  it('refuses a host that would break out of the script', () => {
    expect(() => apiVersionsProbeScript({ host: '127.0.0.1/1; rm -rf /', port: 1 })).toThrow(/host/);
    expect(() => apiVersionsProbeScript({ host: 'kafka-1', port: 0 })).toThrow(/port/);
  });
});

/**
 * The script run by bash against loopback fakes that answer like a broker or not: the response
 * side of the probe (correlation id, error code, NUL and high bytes) has no other test without a
 * real broker (integration/platform/kafka-healthcheck.test.ts runs it against one).
 */
describe('the probe script against fake servers', () => {
  let server: Server | undefined;
  const received: Buffer[] = [];

  async function listen(onRequest: (socket: Socket, request: Buffer) => void): Promise<number> {
    server = createServer((socket) => {
      let buffered = Buffer.alloc(0);
      socket.on('data', (chunk: Buffer) => {
        buffered = Buffer.concat([buffered, chunk]);
        if (buffered.length >= 4 && buffered.length >= 4 + buffered.readInt32BE(0)) {
          received.push(buffered);
          onRequest(socket, buffered);
        }
      });
      socket.on('error', () => undefined);
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    return (server.address() as AddressInfo).port;
  }

  afterEach(async () => {
    received.length = 0;
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    server = undefined;
  });

  // spawnSync would block the event loop that serves the fake: run bash asynchronously.
  const probe = (port: number, timeoutSeconds = 5): Promise<number | null> =>
    new Promise((resolve) => {
      const child = spawn('bash', ['-c', apiVersionsProbeScript({ host: '127.0.0.1', port, timeoutSeconds })], { stdio: 'ignore' });
      child.on('exit', (code) => resolve(code));
    });

  it('succeeds on an answer with our correlation id and error code 0, and the server got a well-formed request', async () => {
    const port = await listen((socket, request) => socket.end(apiVersionsResponse(request.readInt32BE(8), 0)));
    expect(await probe(port)).toBe(0);
    expect(received).toHaveLength(1);
    expect(decodeRequest(received[0]).apiKey).toBe(18);
  });

  it('fails on an answer with another correlation id', async () => {
    const port = await listen((socket, request) => socket.end(apiVersionsResponse(request.readInt32BE(8) + 1, 0)));
    expect(await probe(port)).toBe(1);
  });

  it('fails on an error code (35, UNSUPPORTED_VERSION)', async () => {
    const port = await listen((socket, request) => socket.end(apiVersionsResponse(request.readInt32BE(8), 35)));
    expect(await probe(port)).toBe(1);
  });

  it('fails on a peer that echoes the request back', async () => {
    const port = await listen((socket, request) => socket.end(request));
    expect(await probe(port)).toBe(1);
  });

  it('fails on a peer that closes after fewer than 10 bytes', async () => {
    const port = await listen((socket, request) => socket.end(apiVersionsResponse(request.readInt32BE(8), 0).subarray(0, 9)));
    expect(await probe(port)).toBe(1);
  });

  it('fails, after its timeout, on a peer that never answers', async () => {
    const port = await listen(() => undefined);
    expect(await probe(port, 1)).toBe(1);
  });

  it('fails on a closed port', () => {
    // Port 1 on loopback: nothing listens there on a test machine (tcpmux is long gone).
    const result = spawnSync('bash', ['-c', apiVersionsProbeScript({ host: '127.0.0.1', port: 1 })], { stdio: 'ignore', timeout: 10_000 });
    expect(result.status).toBe(1);
  });
});
