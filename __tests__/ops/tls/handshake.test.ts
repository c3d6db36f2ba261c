/**
 * The material ensure writes, in a real TLS handshake on 127.0.0.1: a node:tls server with
 * server.pem and server.key, clients that trust ca.pem alone (no system CAs).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, createServer, type ConnectionOptions, type Server } from 'node:tls';
import { ensureTlsMaterial, TLS_FILES } from '../../../ops/tls/material';

const dir = mkdtempSync(join(tmpdir(), 'tls-handshake-'));
let server: Server;
let port: number;
let caPem: string;

beforeAll(async () => {
  ensureTlsMaterial(dir, ['localhost', '127.0.0.1', '::1', 'lab.example.org']);
  caPem = readFileSync(join(dir, TLS_FILES.caCert), 'utf8');
  server = createServer({ cert: readFileSync(join(dir, TLS_FILES.serverCert)), key: readFileSync(join(dir, TLS_FILES.serverKey)) }, (socket) => socket.end('hello over tls\n'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as { port: number }).port;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

/** What the server sent, or the client's error code (the handshake's verdict). */
function handshake(options: ConnectionOptions): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port, ...options });
    let received = '';
    socket.on('data', (d: Buffer) => (received += d.toString()));
    socket.on('end', () => resolve(received));
    socket.on('error', (e: NodeJS.ErrnoException) => resolve(`error ${e.code}`));
  });
}

describe('a TLS handshake with the ensured material', () => {
  it('succeeds for 127.0.0.1 (an IP subjectAltName), trusting only ca.pem', async () => {
    expect(await handshake({ ca: [caPem] })).toBe('hello over tls\n');
  });

  it('succeeds for the names in the certificate', async () => {
    expect(await handshake({ ca: [caPem], servername: 'localhost' })).toBe('hello over tls\n');
    expect(await handshake({ ca: [caPem], servername: 'lab.example.org' })).toBe('hello over tls\n');
  });

  it('fails with a hostname mismatch for a name the certificate does not hold', async () => {
    expect(await handshake({ ca: [caPem], servername: 'elsewhere.example.org' })).toBe('error ERR_TLS_CERT_ALTNAME_INVALID');
  });

  it('fails for a client that does not trust the lab CA', async () => {
    // Node's own CA list: the server sends its chain up to the lab's self-signed CA, which no public list holds.
    expect(await handshake({})).toBe('error SELF_SIGNED_CERT_IN_CHAIN');
  });
});
