/**
 * The network side of the "access" phase (access-checks.ts judges): per published port, what it
 * answers without a login, with a wrong one, in plain text, and with the lab's logins over TLS
 * trusting only the deploy's CA. Every probe goes to a loopback address.
 */
import { randomBytes } from 'node:crypto';
import { connect as tcpConnectTo } from 'node:net';
import { Kafka, logLevel, type KafkaConfig } from 'kafkajs';
import { accessReport, portVerdict, type AccessTarget, type HttpPortObservation, type KafkaLogin, type PlaintextAttempt, type PortObservation } from './access-checks';
import { scramOverTls, type Login } from './lab-access';
import { basicAuthorization, http, OPEN_ACCESS } from './probes';
import { apiVersionsRequest } from '../platform/kafka-healthcheck';
import type { CheckResult } from './summary';

/** Kafka's answers are capped far below this; a TLS record read as a size is far above it. */
const MAX_PLAUSIBLE_FRAME = 1 << 20;

/** Whether `bytes` begin a Kafka response frame to the request of `correlationId`. */
export function isKafkaAnswer(bytes: Buffer, correlationId: number): boolean {
  if (bytes.length < 8) return false;
  const size = bytes.readInt32BE(0);
  return size >= 4 && size <= MAX_PLAUSIBLE_FRAME && bytes.readInt32BE(4) === correlationId;
}

/**
 * Sends an ApiVersions request in plain text, as a PLAINTEXT client would, and waits for a Kafka
 * answer. A SASL_SSL listener reads the bytes as a broken TLS handshake and closes the connection.
 */
export function plaintextApiVersions(host: string, port: number, timeoutMs = 5_000): Promise<PlaintextAttempt> {
  const correlationId = 0x1ab0 + (process.pid % 0x1000);
  return new Promise((resolve) => {
    const socket = tcpConnectTo({ host, port });
    let received = Buffer.alloc(0);
    let done = false;
    const finish = (attempt: PlaintextAttempt): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(attempt);
    };
    const timer = setTimeout(() => finish({ answered: false, outcome: `no answer within ${timeoutMs / 1000} s` }), timeoutMs);
    socket.on('connect', () => socket.write(apiVersionsRequest(correlationId, 'lab-e2e-plaintext')));
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      if (isKafkaAnswer(received, correlationId)) finish({ answered: true });
    });
    socket.on('error', (e: Error & { code?: string }) => finish({ answered: false, outcome: e.code === 'ECONNREFUSED' ? 'refused' : `failed (${e.code ?? e.message})` }));
    socket.on('close', () => finish({ answered: false, outcome: received.length ? 'closed without a Kafka answer' : 'closed' }));
  });
}

/** A TCP connection attempt: `refused`, `accepted`, or another failure's code. */
export function tcpConnect(host: string, port: number, timeoutMs = 5_000): Promise<string> {
  return new Promise((resolve) => {
    const socket = tcpConnectTo({ host, port });
    const finish = (outcome: string): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(outcome);
    };
    const timer = setTimeout(() => finish(`no answer within ${timeoutMs / 1000} s`), timeoutMs);
    socket.on('connect', () => finish('accepted'));
    socket.on('error', (e: Error & { code?: string }) => finish(e.code === 'ECONNREFUSED' ? 'refused' : (e.code ?? e.message)));
  });
}

/** kafkajs wraps errors in retries and connection errors: the SASL failure may be any link of the chain. */
function isAuthenticationFailure(error: unknown): boolean {
  for (let e = error as { name?: string; cause?: unknown; originalError?: unknown } | undefined, depth = 0; e && depth < 5; depth++) {
    if (e.name === 'KafkaJSSASLAuthenticationError') return true;
    e = (e.cause ?? e.originalError) as typeof e;
  }
  return false;
}

/** Logs in to one broker, with `security`, and lists the topics. */
export async function kafkaLogin(broker: string, security: Pick<KafkaConfig, 'ssl' | 'sasl'>): Promise<KafkaLogin> {
  const admin = new Kafka({ clientId: 'lab-e2e-access', brokers: [broker], logLevel: logLevel.NOTHING, retry: { retries: 0 }, connectionTimeout: 5_000, authenticationTimeout: 5_000, ...security }).admin();
  try {
    await admin.connect();
    return { ok: true, topics: (await admin.listTopics()).length };
  } catch (e) {
    return { ok: false, authenticationFailed: isAuthenticationFailure(e), error: (e as Error).message };
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

/** The logins and CA of an authenticated lab (the outputs), as the access phase uses them. */
export interface AccessCredentials {
  readonly ca: string;
  /** The person's login: Grafana's admin, and a Kafka SCRAM-SHA-512 user. */
  readonly lab: Login;
  /** The deployer's login: every HTTP port's. */
  readonly deployer: Login;
}

/** A password that is no one's. */
const wrongPassword = (): string => `not-the-password-${randomBytes(6).toString('hex')}`;

async function probeHttpPort(host: string, target: AccessTarget, credentials: AccessCredentials): Promise<HttpPortObservation> {
  const authority = `${host.includes(':') ? `[${host}]` : host}:${target.port}`;
  const tls = `https://${authority}/`;
  const { ca, lab, deployer } = credentials;
  // Grafana's port hands the login on to Grafana, which knows the person only.
  const logins = target.passesLoginOn ? [lab] : [deployer, lab];
  const withCredentials = [];
  for (const login of logins) withCredentials.push({ user: login.user, answer: await http({ ca, authorization: basicAuthorization(login.user, login.password) }, 'GET', tls) });
  return {
    kind: 'http',
    anonymous: await http({ ca }, 'GET', tls),
    wrongPassword: await http({ ca, authorization: basicAuthorization(deployer.user, wrongPassword()) }, 'GET', tls),
    plainHttp: await http(OPEN_ACCESS, 'GET', `http://${authority}/`),
    withCredentials,
  };
}

async function probePort(host: string, target: AccessTarget, credentials: AccessCredentials): Promise<PortObservation> {
  if (target.kind === 'http') return probeHttpPort(host, target, credentials);
  if (target.kind === 'mariadb') return { kind: 'mariadb', connect: await tcpConnect(host, target.port) };
  const broker = `${host}:${target.port}`;
  return {
    kind: 'kafka',
    wrongPassword: await kafkaLogin(broker, scramOverTls(credentials.ca, { user: credentials.deployer.user, password: wrongPassword() })),
    plaintext: await plaintextApiVersions(host, target.port),
    withCredentials: { user: credentials.lab.user, login: await kafkaLogin(broker, scramOverTls(credentials.ca, credentials.lab)) },
  };
}

/** Probes every target, one at a time, and judges them: the phase's table and results. */
export async function accessChecks(targets: readonly AccessTarget[], credentials: AccessCredentials): Promise<{ readonly table: string; readonly results: CheckResult[] }> {
  const verdicts = [];
  for (const target of targets) {
    // A port on no loopback address is judged without a probe: the rehearsal sends nothing elsewhere.
    const seen = target.host === undefined ? undefined : await probePort(target.host, target, credentials);
    verdicts.push(portVerdict(target, seen));
  }
  return accessReport(verdicts);
}
