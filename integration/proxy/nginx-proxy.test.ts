/**
 * The authenticated access mode's proxy with the real nginx (Debian's 1.22.1, the software of
 * lab-local/nginx): the config platform/proxy-config.ts renders, run as the container runs it
 * (proxyCommand), in front of a small echo service on 127.0.0.1. What a person's browser or a tool
 * on the host meets: TLS from a CA it must trust, a login, and the service behind it unchanged.
 */
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { join } from 'node:path';
import type { Duplex } from 'node:stream';
import {
  DOCKER_DNS_RESOLVER,
  PROXY_HEALTH_PORT,
  type ProxyUser,
  proxyHealthCheck,
  renderNginxConfig,
} from '../../platform/proxy-config';
import { runHealthCheck } from '../support/health-check';
import { waitUntil } from '../support/ports';
import { tailOfFile } from '../support/service-process';
import { basicAuth as basic, type HttpsAnswer, sendHttps } from './client';
import { type EchoUpstream, type SeenRequest, startEchoUpstream } from './echo-upstream';
import { healthAnswer, proxyDir, type RunningProxy, startNginxProxy, testNginxConfig, writeProxyFiles } from './nginx';

const ADMIN: ProxyUser = { name: 'lab-admin', password: randomBytes(18).toString('base64url') };
/** Characters a file format could trip on: spaces, '#', '$', braces, a backslash, non-ASCII. (':' ends a password in nginx's file: nginxUsersFile refuses it.) */
const OPS: ProxyUser = { name: 'ops', password: 'pa ss#w{rd}$x\\é' };

type Answer = HttpsAnswer;

let upstream: EchoUpstream;
let proxy: RunningProxy;
let port: number;

/** One HTTPS request to the proxy's route, trusting the lab CA unless `tls` says otherwise. */
const send = (options: Omit<Parameters<typeof sendHttps>[0], 'port' | 'ca'>): Promise<Answer> => sendHttps({ port, ca: proxy.tls.caPem, ...options });

const echoed = (answer: Answer): SeenRequest => {
  expect(answer.status).toBe(200);
  return JSON.parse(answer.body) as SeenRequest;
};

beforeAll(async () => {
  upstream = await startEchoUpstream();
  proxy = await startNginxProxy({ routes: [{ name: 'echo', upstream: `http://127.0.0.1:${upstream.port}` }], users: [ADMIN, OPS] });
  port = proxy.ports.get('echo') ?? 0;
});

afterAll(async () => {
  await proxy?.stop();
  await upstream?.close();
});

describe('logging in', () => {
  it('asks for basic auth without credentials, and the request goes no further', async () => {
    const before = upstream.seen.length;
    const answer = await send({ path: '/anything' });
    expect(answer.status).toBe(401);
    expect(answer.headers['www-authenticate']).toBe('Basic realm="streaming-analytics-lab"');
    expect(upstream.seen.length).toBe(before);
  });

  it('refuses a wrong password and an unknown user', async () => {
    const before = upstream.seen.length;
    expect((await send({ path: '/', auth: { name: ADMIN.name, password: `${ADMIN.password}x` } })).status).toBe(401);
    expect((await send({ path: '/', auth: { name: 'nobody', password: ADMIN.password } })).status).toBe(401);
    // The other user's password is not this one's.
    expect((await send({ path: '/', auth: { name: ADMIN.name, password: OPS.password } })).status).toBe(401);
    expect(upstream.seen.length).toBe(before);
  });

  it('lets each user in with their own password, whatever characters it holds', async () => {
    expect((await send({ path: '/', auth: ADMIN })).status).toBe(200);
    expect((await send({ path: '/', auth: OPS })).status).toBe(200);
  });

  it('logs who came in and who was refused, without the password', async () => {
    await send({ path: '/logged?secret=query', auth: ADMIN });
    await send({ path: '/refused', auth: { name: 'intruder', password: 'guess' } });
    const admitted = new RegExp(`127\\.0\\.0\\.1 user=lab-admin port=${port} "GET /logged" 200 `);
    const refused = new RegExp(`127\\.0\\.0\\.1 user=intruder port=${port} "GET /refused" 401 `);
    // nginx writes the line once the answer has gone out: it may come a moment after the client has it.
    await waitUntil(async () => refused.test(readFileSync(proxy.logFile, 'utf8')), { timeoutMs: 5_000, intervalMs: 50, what: 'the refused request in the access log', describe: () => tailOfFile(proxy.logFile) });
    const log = readFileSync(proxy.logFile, 'utf8');
    expect(log).toMatch(admitted);
    expect(log).toMatch(refused);
    expect(log).not.toContain(ADMIN.password);
    expect(log).not.toContain('secret=query');
  });
});

describe('what the service behind it sees', () => {
  it('no Authorization header, the Host the client used, https as the forwarded protocol, HTTP/1.1', async () => {
    const seen = echoed(await send({ path: '/seen', auth: ADMIN }));
    expect(seen.headers.authorization).toBeUndefined();
    expect(seen.headers.host).toBe(`127.0.0.1:${port}`);
    expect(seen.headers['x-forwarded-proto']).toBe('https');
    expect(seen.httpVersion).toBe('1.1');
  });

  it('the path and query exactly as sent, encoded slashes and all', async () => {
    const path = '/connectors/moodle%2Fsink/status?expand=info&q=a%20b&empty=';
    expect(echoed(await send({ path, auth: ADMIN })).url).toBe(path);
  });

  it('a POST body intact (256 KiB)', async () => {
    const body = randomBytes(192 * 1024).toString('base64');
    const seen = echoed(await send({ path: '/ksql', method: 'POST', body, auth: ADMIN, headers: { 'Content-Type': 'text/plain' } }));
    expect(seen.method).toBe('POST');
    expect(createHash('sha256').update(seen.body).digest('hex')).toBe(createHash('sha256').update(body).digest('hex'));
  });

  it('redirects it makes to its own address or to the public one in http come back as ones the client can follow', async () => {
    const to = (location: string): Promise<Answer> => send({ path: `/redirect?to=${encodeURIComponent(location)}`, auth: ADMIN });
    expect((await to(`http://127.0.0.1:${upstream.port}/inside`)).headers.location).toBe('/inside');
    expect((await to(`http://127.0.0.1:${port}/public`)).headers.location).toBe(`https://127.0.0.1:${port}/public`);
    expect((await to('/relative')).headers.location).toBe('/relative');
  });
});

describe('streams', () => {
  it('passes a chunked answer on piece by piece, before the service has ended it', async () => {
    const pieces: { text: string; upstreamEnded: boolean }[] = [];
    await new Promise<void>((done, reject) => {
      const req = httpsRequest(
        { host: '127.0.0.1', port, path: '/stream', headers: { Authorization: basic(ADMIN.name, ADMIN.password) }, ca: proxy.tls.caPem, agent: false },
        (res) => {
          res.setEncoding('utf8');
          res.on('data', (text: string) => {
            pieces.push({ text, upstreamEnded: upstream.streamEnded() });
            // The service holds the rest until the first piece has arrived here (or 10 s pass).
            if (pieces.length === 1) upstream.releaseStream();
          });
          res.on('end', done);
        },
      );
      req.on('error', reject);
      req.end();
    });
    expect(pieces[0]).toEqual({ text: 'first\n', upstreamEnded: false });
    expect(pieces.map((piece) => piece.text).join('')).toBe('first\nsecond\n');
  });

  it('passes a WebSocket upgrade through, and bytes both ways after it', async () => {
    const { socket, status } = await new Promise<{ socket: Duplex; status: number }>((done, reject) => {
      const req = httpsRequest({
        host: '127.0.0.1',
        port,
        path: '/live/ws',
        headers: { Authorization: basic(ADMIN.name, ADMIN.password), Connection: 'Upgrade', Upgrade: 'websocket' },
        ca: proxy.tls.caPem,
        agent: false,
      });
      req.on('upgrade', (res, upgraded) => done({ socket: upgraded, status: res.statusCode ?? 0 }));
      req.on('response', (res) => reject(new Error(`answered ${res.statusCode} instead of 101`)));
      req.on('error', reject);
      req.end();
    });
    try {
      expect(status).toBe(101);
      const echo = new Promise<string>((done) => socket.once('data', (data: Buffer) => done(data.toString())));
      socket.write('ping');
      expect(await echo).toBe('ping');
      const seen = upstream.seen[upstream.seen.length - 1];
      expect(seen.url).toBe('/live/ws');
      expect(seen.headers.upgrade).toBe('websocket');
      expect(seen.headers.connection).toBe('upgrade');
      expect(seen.headers.authorization).toBeUndefined();
    } finally {
      socket.destroy();
    }
  });
});

describe('TLS', () => {
  it('answers a plain-HTTP request to the TLS port with 400, not with the service', async () => {
    const before = upstream.seen.length;
    const answer = await new Promise<{ status: number; body: string }>((done, reject) => {
      const req = httpRequest({ host: '127.0.0.1', port, path: '/', agent: false, headers: { Authorization: basic(ADMIN.name, ADMIN.password) } }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => done({ status: res.statusCode ?? 0, body }));
      });
      req.on('error', reject);
      req.end();
    });
    expect(answer.status).toBe(400);
    expect(answer.body).toContain('The plain HTTP request was sent to HTTPS port');
    expect(upstream.seen.length).toBe(before);
  });

  it('fails the handshake of a client that does not trust the lab CA', async () => {
    const before = upstream.seen.length;
    await expect(send({ path: '/', auth: ADMIN, tls: { ca: undefined } })).rejects.toMatchObject({ code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' });
    expect(upstream.seen.length).toBe(before);
  });

  it('speaks TLS 1.2 and 1.3 and refuses 1.1', async () => {
    expect((await send({ path: '/', auth: ADMIN, tls: { minVersion: 'TLSv1.3', maxVersion: 'TLSv1.3' } })).status).toBe(200);
    expect((await send({ path: '/', auth: ADMIN, tls: { minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2' } })).status).toBe(200);
    // "alert protocol version" read from the peer (ssl3_read_bytes): the refusal is the server's.
    await expect(send({ path: '/', auth: ADMIN, tls: { minVersion: 'TLSv1.1', maxVersion: 'TLSv1.1', ciphers: 'DEFAULT@SECLEVEL=0' } })).rejects.toThrow(
      /ssl3_read_bytes:tlsv1 alert protocol version/,
    );
  });
});

describe('the configuration the lab deploys', () => {
  it('passes nginx -t: every published port of the lab, names resolved through Docker\'s DNS, the default health port', () => {
    const dir = proxyDir();
    const files = writeProxyFiles(dir, [ADMIN]);
    const lab = [
      ['ksqldb', 8088, 'ksqldb:8088'], ['connect', 8083, 'connect:8083'], ['schema-registry', 8081, 'schema-registry:8081'],
      ['elasticsearch', 9200, 'elasticsearch:9200'], ['kibana', 5601, 'kibana:5601'], ['grafana', 3000, 'grafana:3000'],
      ['kafka-ui', 8080, 'kafka-ui:8080'], ['pinot-controller', 9000, 'pinot-controller:9000'], ['pinot-broker', 8099, 'pinot-broker:8099'],
      ['payments', 8000, 'payments-api:8000'],
    ] as const;
    const configFile = join(dir, 'lab.conf');
    writeFileSync(configFile, renderNginxConfig({
      routes: lab.map(([name, listenPort, upstreamAddress]) => ({ name, listenPort, upstream: `http://${upstreamAddress}` })),
      certFile: files.certFile,
      keyFile: files.keyFile,
      usersFile: files.usersFile,
      healthPort: PROXY_HEALTH_PORT,
      resolver: DOCKER_DNS_RESOLVER,
      runDir: dir,
    }));
    const checked = testNginxConfig(configFile);
    rmSync(dir, { recursive: true, force: true });
    expect(checked.output).toContain('test is successful');
    // Run as non-root, nginx warns that it cannot switch its workers to `nobody`; nothing else may be said.
    const notes = checked.output.split('\n').filter((line) => /\[(warn|emerg|alert|crit)\]/.test(line) && !line.includes('the "user" directive makes sense only'));
    expect(notes).toEqual([]);
    expect(checked.status).toBe(0);
  });
});

describe('health', () => {
  it('answers /healthz on the health port without a login', async () => {
    expect(await healthAnswer(proxy.healthPort)).toEqual({ status: 200, body: 'ok' });
  });

  it('the container health check passes while nginx runs and fails once it has stopped', async () => {
    const check = proxyHealthCheck(proxy.healthPort);
    expect(await runHealthCheck(check)).toEqual({ code: 0, output: '' });
    await proxy.stop();
    const stopped = await runHealthCheck(check);
    expect(stopped.code).not.toBe(0);
  });
});
