/**
 * `Expect: 100-continue`: a client asks before uploading. A POST the API would refuse for its
 * headers alone (Content-Type, declared length) gets its 415 / 413 at once instead of an invitation
 * to upload; a good one gets 100 Continue. Against the assembled server (payments/server.ts), so
 * the server's 'checkContinue' listener is part of what is tested; no broker, as in ./server.test.
 */
import { connect } from 'node:net';
import { logLevel } from 'kafkajs';
import { parsePaymentsArgs } from '../../payments/config';
import { startPaymentsServer, type RunningPaymentsServer } from '../../payments/server';
import { startFakeRegistry, type FakeRegistry } from '../formats/fake-registry';
import { closedPortUrl } from '../support/closed-port';

let registry: FakeRegistry;
let server: RunningPaymentsServer;
beforeAll(async () => {
  registry = await startFakeRegistry();
  const brokers = new URL(await closedPortUrl()).host;
  const parsed = parsePaymentsArgs(['--host', '127.0.0.1', '--port', '0', '--brokers', brokers, '--schema-registry-url', registry.url, '--max-body-bytes', '4096'], {});
  if (parsed.kind !== 'run') throw new Error('expected a run configuration');
  server = await startPaymentsServer(parsed.config, { env: {}, log: () => undefined, kafkaLogLevel: logLevel.NOTHING });
});
afterAll(async () => {
  await server.close();
  await registry.close();
});

/**
 * Sends the request head, and `body` only once invited (100 Continue); collects what the server
 * says within `waitMs` (or until it closes).
 */
function headOnly(head: string, waitMs = 1_000, body?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(server.port, '127.0.0.1', () => socket.write(head));
    let received = '';
    socket.once('data', (chunk: Buffer) => {
      if (body !== undefined && chunk.toString().startsWith('HTTP/1.1 100 Continue\r\n')) socket.write(body);
    });
    const timer = setTimeout(() => {
      socket.destroy();
      resolve(received);
    }, waitMs);
    socket.on('data', (chunk: Buffer) => (received += chunk.toString()));
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(received);
    });
    socket.on('error', reject);
  });
}

const head = (contentType: string, length: number): string =>
  `POST /payment_json HTTP/1.1\r\nHost: x\r\nContent-Type: ${contentType}\r\nContent-Length: ${length}\r\nExpect: 100-continue\r\n\r\n`;

describe('Expect: 100-continue', () => {
  it('with the wrong Content-Type: 415 at once, no 100 Continue', async () => {
    const answer = await headOnly(head('text/plain', 200));
    expect(answer).toMatch(/^HTTP\/1\.1 415 /);
    expect(answer).not.toContain('100 Continue');
    expect(answer).toContain('Content-Type: application/json');
  });

  it('with a declared 20 MB body: 413 at once, no 100 Continue', async () => {
    const answer = await headOnly(head('application/json', 20_000_000));
    expect(answer).toMatch(/^HTTP\/1\.1 413 /);
    expect(answer).not.toContain('100 Continue');
    expect(answer).toContain('"error":"payload_too_large"');
    expect(answer).toContain('at most 4096 bytes');
  });

  it('with a good head: 100 Continue, then the body is read and answered', async () => {
    const answer = await headOnly(head('application/json', 8), 1_000, '{"id":1}');
    expect(answer).toMatch(/^HTTP\/1\.1 100 Continue\r\n\r\nHTTP\/1\.1 400 /);
    expect(answer).toContain('"error":"invalid_payment"');
  });
});
