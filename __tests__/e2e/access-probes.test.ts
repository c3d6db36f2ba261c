/**
 * The access phase's probes on loopback: the HTTP client over TLS with a CA and a login, the plain
 * Kafka request a SASL_SSL listener must not answer, the TCP refusal of the unpublished database,
 * and the whole phase against a small TLS server that asks for Basic auth as the lab's proxy does.
 * (Kafka's SASL logins against a real broker: integration/e2e/access-kafka.test.ts.)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type Server as HttpServer, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { createServer as createTcpServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer as createTlsServer } from 'node:tls';
import type { AccessTarget } from '../../e2e/access-checks';
import { apiVersionsRequest } from '../../platform/kafka-healthcheck';
import { accessChecks, isKafkaAnswer, plaintextApiVersions, tcpConnect, type AccessCredentials } from '../../e2e/access-probes';
import { basicAuthorization, http } from '../../e2e/probes';
import { generateTls, type TlsMaterial } from '../../integration/support/tls';
import { closedPortUrl } from '../support/closed-port';

const dir = mkdtempSync(join(tmpdir(), 'lab-access-probes-'));
let tls: TlsMaterial;
const servers: Array<Server | HttpServer> = [];
/** Every connection the test servers accepted: closed at the end, whatever state a probe left it in. */
const connections = new Set<Socket>();

async function listen(server: Server | HttpServer): Promise<number> {
  servers.push(server);
  server.on('connection', (socket: Socket) => {
    connections.add(socket);
    socket.on('close', () => connections.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

const closedPort = async (): Promise<number> => Number(new URL(await closedPortUrl()).port);

beforeAll(() => {
  tls = generateTls(dir, ['127.0.0.1', 'localhost']);
});

afterAll(async () => {
  for (const socket of connections) socket.destroy();
  await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
  rmSync(dir, { recursive: true, force: true });
});

describe('the Kafka ApiVersions frame', () => {
  it('is size, key 18, version 0, correlation id and client id, big-endian', () => {
    expect(apiVersionsRequest(0x01020304, 'ab').toString('hex')).toBe(['0000000c', '0012', '0000', '01020304', '0002', '6162'].join(''));
  });

  it("recognises a Kafka answer to it by size and correlation id, and not a TLS alert or another request's answer", () => {
    const answer = Buffer.from('0000000a' + '01020304' + '0000' + '00000000', 'hex');
    expect(isKafkaAnswer(answer, 0x01020304)).toBe(true);
    expect(isKafkaAnswer(answer, 7)).toBe(false);
    expect(isKafkaAnswer(answer.subarray(0, 7), 0x01020304)).toBe(false);
    // A TLS alert record (content type 21, TLS 1.2) read as a Kafka size is far too large.
    expect(isKafkaAnswer(Buffer.from('150303000202280000', 'hex'), 0x03000202)).toBe(false);
  });
});

/** A PLAINTEXT listener as far as ApiVersions goes: answers each request frame with its correlation id. */
function plaintextBroker(): Server {
  return createTcpServer((socket: Socket) => {
    socket.on('data', (frame: Buffer) => {
      const answer = Buffer.alloc(14);
      answer.writeInt32BE(10, 0);
      answer.writeInt32BE(frame.readInt32BE(8), 4);
      socket.write(answer);
    });
  });
}

describe('plaintextApiVersions', () => {
  it('sees a PLAINTEXT listener answer', async () => {
    expect(await plaintextApiVersions('127.0.0.1', await listen(plaintextBroker()))).toEqual({ answered: true });
  });

  it('gets no Kafka answer from a TLS listener, nor from a closed port', async () => {
    const tlsListener = createTlsServer({ key: tls.brokerKeyPem, cert: tls.brokerCertPem }, (socket) => socket.end());
    tlsListener.on('tlsClientError', () => undefined);
    const seen = await plaintextApiVersions('127.0.0.1', await listen(tlsListener));
    expect(seen.answered).toBe(false);
    expect(await plaintextApiVersions('127.0.0.1', await closedPort())).toEqual({ answered: false, outcome: 'refused' });
  });

  it('gives up on a listener that never answers', async () => {
    const silent = createTcpServer(() => undefined);
    expect(await plaintextApiVersions('127.0.0.1', await listen(silent), 300)).toEqual({ answered: false, outcome: 'no answer within 0.3 s' });
  });
});

describe('tcpConnect', () => {
  it('tells a refused connection from an accepted one', async () => {
    expect(await tcpConnect('127.0.0.1', await closedPort())).toBe('refused');
    expect(await tcpConnect('127.0.0.1', await listen(createTcpServer((s) => s.end())))).toBe('accepted');
  });
});

const DEPLOYER = { user: 'lab-deployer', password: 'deployer-secret' };
const LAB = { user: 'lab', password: 'person-secret' };

/** What the lab's proxy does, for these tests: TLS only, Basic auth of the two logins, then the service's answer. */
function fakeProxy(service: (req: IncomingMessage, res: ServerResponse) => void): HttpServer {
  const valid = new Set([DEPLOYER, LAB].map((l) => basicAuthorization(l.user, l.password)));
  return createHttpsServer({ key: tls.brokerKeyPem, cert: tls.brokerCertPem }, (req, res) => {
    if (!valid.has(req.headers.authorization ?? '')) {
      res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="lab"' }).end('401 Authorization Required');
      return;
    }
    service(req, res);
  });
}

describe('http over TLS', () => {
  it('trusts the CA it is given, sends the login, and reads the answer', async () => {
    const seen: string[] = [];
    const port = await listen(
      fakeProxy((req, res) => {
        seen.push(`${req.method} ${req.url}`);
        res.writeHead(200, { 'Content-Type': 'application/json', 'X-Lab-Standin': 'proxy test' }).end('{"ok":true}');
      }),
    );
    const url = `https://127.0.0.1:${port}/info?x=1`;
    expect(await http({ ca: tls.caPem, authorization: basicAuthorization(DEPLOYER.user, DEPLOYER.password) }, 'POST', url, { a: 1 })).toEqual({ status: 200, body: { ok: true }, standin: 'proxy test', authenticate: undefined });
    expect(seen).toEqual(['POST /info?x=1']);
    expect(await http({ ca: tls.caPem }, 'GET', url)).toMatchObject({ status: 401, authenticate: 'Basic realm="lab"' });
  });

  it('fails without the CA: a certificate it cannot verify is no answer', async () => {
    const port = await listen(fakeProxy((_req, res) => res.end('reached')));
    const answer = await http({ authorization: basicAuthorization(LAB.user, LAB.password) }, 'GET', `https://127.0.0.1:${port}/`);
    expect(answer.status).toBe(0);
    expect(String(answer.body)).toMatch(/certificate/i);
  });
});

describe('accessChecks', () => {
  const credentials = (): AccessCredentials => ({ ca: tls.caPem, lab: LAB, deployer: DEPLOYER });
  const target = (port: number, kind: AccessTarget['kind'], service: string, passesLoginOn = false): AccessTarget => ({ port, kind, service, host: '127.0.0.1', container: 'proxy', passesLoginOn });

  it('passes a TLS port asking for a login and the refused database port, and prints what they answered', async () => {
    const api = await listen(fakeProxy((_req, res) => res.writeHead(404).end('no root page')));
    // Grafana's port is asked with the person's login only: the proxy hands it on to Grafana.
    const grafanaUsers: string[] = [];
    const grafana = await listen(
      fakeProxy((req, res) => {
        grafanaUsers.push(Buffer.from((req.headers.authorization ?? '').replace(/^Basic /, ''), 'base64').toString().split(':')[0]);
        res.writeHead(200).end('home');
      }),
    );
    const database = await closedPort();
    const report = await accessChecks([target(grafana, 'http', 'grafana', true), target(api, 'http', 'paymentsApi'), { ...target(database, 'mariadb', 'mariadb'), container: undefined }], credentials());
    expect(report.results.filter((r) => r.verdict === 'fail')).toEqual([]);
    expect(grafanaUsers).toEqual(['lab']);
    const rows = report.table.split('\n').slice(2).map((r) => r.split(/\s{2,}/));
    // A plain request to a Node TLS server is dropped (nginx answers 400): both refuse it.
    expect(rows).toEqual([
      [String(grafana), 'grafana', '401 Basic; wrong password 401; plain HTTP closed', '200 as lab'],
      [String(api), 'paymentsApi', '401 Basic; wrong password 401; plain HTTP closed', '404 as lab-deployer, 404 as lab'],
      [String(database), 'mariadb', 'connection refused', 'not published'],
    ]);
  });

  it('fails an open plain-HTTP port and a listening database port, one result per failure', async () => {
    const open = await listen(createHttpServer((_req, res) => res.end('open to all')));
    const database = await listen(createTcpServer((s) => s.end()));
    const report = await accessChecks([target(open, 'http', 'elasticsearch'), target(database, 'mariadb', 'mariadb')], credentials());
    expect(report.results.filter((r) => r.verdict === 'fail').map((r) => r.check)).toEqual([
      `port ${open} (elasticsearch) without credentials`,
      `port ${open} (elasticsearch) with a wrong password`,
      `port ${open} (elasticsearch) in plain HTTP`,
      `port ${open} (elasticsearch) as lab-deployer over TLS`,
      `port ${open} (elasticsearch) as lab over TLS`,
      `port ${database} (mariadb) TCP connection`,
    ]);
  });
});
