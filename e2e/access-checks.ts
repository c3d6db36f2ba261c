/**
 * The rehearsal's "access" phase of an authenticated lab (issue 20): every port the synthesized
 * stack publishes refuses what comes without a valid login and accepts the lab's logins over TLS.
 * This module is pure: which ports to probe and how (from the synthesized containers' published
 * ports and the proxy's routes in its nginx.conf), the verdicts from what the probes saw
 * (access-probes.ts), and the table of what each port answered without and with credentials.
 */
import type { LabConfig } from '../config/types';
import { isLoopbackAddress } from '../lib/loopback';
import { PROXY_CONFIG_FILE } from '../platform/proxy-config';
import { brief, type HttpAnswer } from './probes';
import { table, type CheckResult } from './summary';

type Json = Record<string, unknown>;

function containers(tf: Json): Json[] {
  return Object.values(((tf.resource as Record<string, Record<string, Json>> | undefined) ?? {}).docker_container ?? {});
}

/** A host port one container of the synthesized stack publishes. */
export interface PublishedPort {
  readonly port: number;
  /** The host address it is published on (Docker's default, every address, when the stack names none). */
  readonly ip: string;
  /** The publishing container's hostname on the lab network (the proxy's for every HTTP port behind it). */
  readonly container: string;
}

/** Every host port of the synthesized stack's docker_container resources, by port. */
export function publishedPorts(tf: Json): PublishedPort[] {
  return containers(tf)
    .flatMap((c) =>
      ((c.ports ?? []) as Array<{ external?: number; ip?: string }>)
        .filter((p) => typeof p.external === 'number')
        .map((p) => ({ port: p.external as number, ip: p.ip ?? '0.0.0.0', container: String(c.hostname ?? c.name) })),
    )
    .sort((a, b) => a.port - b.port);
}

/** A port the authenticating proxy serves, as its nginx.conf routes it. */
export interface SeenProxyRoute {
  readonly port: number;
  /** host:port of the service on the lab network. */
  readonly upstream: string;
  /** The proxy hands the login on to the service (Grafana's admin is the person) instead of removing it. */
  readonly passesLoginOn: boolean;
}

/**
 * The routes of the proxy's nginx.conf as the stack uploads it (platform/proxy-config.ts renders
 * it): each TLS `server` block's port, upstream, and whether it clears the Authorization header.
 * Empty when the stack has no proxy (open access).
 */
export function proxyRoutes(tf: Json): SeenProxyRoute[] {
  const uploads = containers(tf).flatMap((c) => (c.upload ?? []) as Array<{ file?: string; content?: string }>);
  const conf = uploads.find((u) => u.file === PROXY_CONFIG_FILE)?.content ?? '';
  return conf
    .split(/\n\s*server\s*\{/)
    .slice(1)
    .flatMap((block): SeenProxyRoute[] => {
      const port = /^\s*listen\s+(\d+)\s+ssl\s*;/m.exec(block)?.[1];
      const upstream = /^\s*set\s+\$lab_upstream\s+http:\/\/(\S+?)\/?;/m.exec(block)?.[1];
      if (!port || !upstream) return [];
      return [{ port: Number(port), upstream, passesLoginOn: !/^\s*proxy_set_header\s+Authorization\s+""\s*;/m.test(block) }];
    });
}

/** How a port is probed: an HTTP service behind the proxy, a Kafka broker's host listener, or the database. */
export type AccessKind = 'http' | 'kafka' | 'mariadb';

export interface AccessTarget {
  readonly port: number;
  readonly kind: AccessKind;
  /** What answers there: the proxy route's upstream (`ksqldb:8088`), else the publishing container. */
  readonly service: string;
  /** The loopback address the probes use; undefined when the port is published on no loopback address. */
  readonly host: string | undefined;
  /** The publishing container; undefined for a port that must not be published (the database). */
  readonly container?: string;
  /** The proxy hands the login on to the service (Grafana, whose admin is the person): only the person's is asked. */
  readonly passesLoginOn: boolean;
}

/** The loopback address that reaches a port published on `ip`: every address includes 127.0.0.1. */
export function loopbackHost(ip: string): string | undefined {
  if (ip === '0.0.0.0' || ip === '::' || ip === '[::]') return '127.0.0.1';
  return isLoopbackAddress(ip) ? ip.replace(/^\[|\]$/g, '') : undefined;
}

/**
 * What to probe: each published port, named after the proxy route or the container behind it,
 * and the database port, which must refuse connections (it is not published in authenticated
 * access). The configuration's ports say which are Kafka's and the database's; every other port
 * is probed as HTTP, since whatever is published must refuse anonymous requests.
 */
export function accessTargets(published: readonly PublishedPort[], routes: readonly SeenProxyRoute[], config: Pick<LabConfig, 'ports' | 'kafka' | 'bindAddress'>): AccessTarget[] {
  const brokers = config.kafka.mode === 'local' ? config.kafka.brokers : 0;
  const kindOf = (port: number): AccessKind => (port === config.ports.mariadb ? 'mariadb' : port >= config.ports.kafka && port < config.ports.kafka + brokers ? 'kafka' : 'http');
  const targets = published.map((p): AccessTarget => {
    const route = routes.find((r) => r.port === p.port);
    return { port: p.port, kind: kindOf(p.port), service: route?.upstream ?? p.container, host: loopbackHost(p.ip), container: p.container, passesLoginOn: route?.passesLoginOn ?? false };
  });
  if (!targets.some((t) => t.port === config.ports.mariadb)) {
    targets.push({ port: config.ports.mariadb, kind: 'mariadb', service: 'mariadb', host: loopbackHost(config.bindAddress), passesLoginOn: false });
  }
  return targets.sort((a, b) => a.port - b.port);
}

/** What one HTTP port answered. */
export interface HttpPortObservation {
  readonly kind: 'http';
  /** Over TLS trusting the CA, without an Authorization header. */
  readonly anonymous: HttpAnswer;
  /** Over TLS, the deployer's user name with a wrong password. */
  readonly wrongPassword: HttpAnswer;
  /** The same request in plain HTTP. */
  readonly plainHttp: HttpAnswer;
  /** Over TLS trusting only the CA, with each valid login asked. */
  readonly withCredentials: ReadonlyArray<{ readonly user: string; readonly answer: HttpAnswer }>;
}

/** A Kafka client's attempt to log in and list topics. */
export type KafkaLogin = { readonly ok: true; readonly topics: number } | { readonly ok: false; readonly authenticationFailed: boolean; readonly error: string };

/** A Kafka ApiVersions request sent in plain text: whether a Kafka answer came back, else what happened. */
export type PlaintextAttempt = { readonly answered: true } | { readonly answered: false; readonly outcome: string };

export interface KafkaPortObservation {
  readonly kind: 'kafka';
  readonly wrongPassword: KafkaLogin;
  readonly plaintext: PlaintextAttempt;
  readonly withCredentials: { readonly user: string; readonly login: KafkaLogin };
}

/** A TCP connection attempt: `refused`, `accepted`, or another failure's code. */
export interface TcpPortObservation {
  readonly kind: 'mariadb';
  readonly connect: string;
}

export type PortObservation = HttpPortObservation | KafkaPortObservation | TcpPortObservation;

/** Statuses that are no answer of the service: no answer, nginx's TLS and login refusals, and its gateway errors. */
const NOT_THE_SERVICE = new Map<number, string>([
  [0, 'no answer'],
  [400, 'refused by the proxy'],
  [401, 'login refused'],
  [495, 'TLS refused by the proxy'],
  [496, 'TLS refused by the proxy'],
  [497, 'plain HTTP refused by the proxy'],
  [502, 'the proxy did not reach the service'],
  [504, 'the proxy did not reach the service'],
]);

const status = (a: HttpAnswer): string => (a.status === 0 ? 'no answer' : String(a.status));

/** One way a port failed: what was tried, and what was expected and seen. */
export interface AccessFailure {
  readonly probe: string;
  readonly detail: string;
}

/** One port's row of the table, what it must do, and its failures. */
export interface PortVerdict {
  readonly row: readonly [port: string, service: string, without: string, withCredentials: string];
  readonly expectation: string;
  readonly failures: readonly AccessFailure[];
}

const LOGIN_EXPECTATION = 'refuses without credentials, accepts with them';

function httpVerdict(target: AccessTarget, seen: HttpPortObservation): PortVerdict {
  const failures: AccessFailure[] = [];
  const asksBasic = seen.anonymous.status === 401 && /^basic\b/i.test(seen.anonymous.authenticate ?? '');
  if (!asksBasic) failures.push({ probe: 'without credentials', detail: `expected 401 asking for Basic auth, got ${brief(seen.anonymous)}${seen.anonymous.status === 401 ? ` (WWW-Authenticate: ${seen.anonymous.authenticate ?? 'none'})` : ''}` });
  if (seen.wrongPassword.status !== 401) failures.push({ probe: 'with a wrong password', detail: `expected 401, got ${brief(seen.wrongPassword)}` });
  // Plain HTTP must not be served: nginx answers a TLS port's plain request with 400; a closed connection refuses it too.
  if (seen.plainHttp.status !== 400 && seen.plainHttp.status !== 0) failures.push({ probe: 'in plain HTTP', detail: `expected 400 or no answer, got ${brief(seen.plainHttp)}` });
  if (seen.withCredentials.length === 0) failures.push({ probe: 'with credentials', detail: 'no login was tried' });
  for (const { user, answer } of seen.withCredentials) {
    const refusal = NOT_THE_SERVICE.get(answer.status);
    if (refusal) failures.push({ probe: `as ${user} over TLS`, detail: `expected the service's answer, got ${refusal}: ${brief(answer)}` });
  }
  const plain = seen.plainHttp.status === 0 ? 'closed' : String(seen.plainHttp.status);
  const without = `${status(seen.anonymous)}${asksBasic ? ' Basic' : ''}; wrong password ${status(seen.wrongPassword)}; plain HTTP ${plain}`;
  const withCredentials = seen.withCredentials.map(({ user, answer }) => `${status(answer)} as ${user}`).join(', ');
  return { row: [String(target.port), target.service, without, withCredentials || '-'], expectation: LOGIN_EXPECTATION, failures };
}

const loginText = (login: KafkaLogin): string => (login.ok ? `lists ${login.topics} topics` : login.authenticationFailed ? 'authentication failed' : `failed: ${login.error}`);

function kafkaVerdict(target: AccessTarget, seen: KafkaPortObservation): PortVerdict {
  const failures: AccessFailure[] = [];
  const wrong = seen.wrongPassword;
  if (wrong.ok) failures.push({ probe: 'SASL_SSL login with a wrong password', detail: `expected an authentication failure, it listed ${wrong.topics} topics` });
  else if (!wrong.authenticationFailed) failures.push({ probe: 'SASL_SSL login with a wrong password', detail: `expected an authentication failure, it failed before: ${wrong.error}` });
  if (seen.plaintext.answered) failures.push({ probe: 'PLAINTEXT ApiVersions request', detail: 'answered by Kafka: the port speaks without TLS' });
  const own = seen.withCredentials;
  // The lab always holds topics: a login that sees none is refused them (ACLs), not let in.
  if (!own.login.ok || own.login.topics === 0) failures.push({ probe: `SCRAM-SHA-512 login over TLS as ${own.user}`, detail: `expected the lab's topics listed, ${own.login.ok ? 'it sees no topic' : loginText(own.login)}` });
  const without = `wrong password: ${loginText(wrong)}; PLAINTEXT: ${seen.plaintext.answered ? 'answered' : seen.plaintext.outcome}`;
  return { row: [String(target.port), target.service, without, `${own.user}: ${loginText(own.login)}`], expectation: LOGIN_EXPECTATION, failures };
}

function tcpVerdict(target: AccessTarget, seen: TcpPortObservation): PortVerdict {
  const ok = seen.connect === 'refused';
  const failures = ok ? [] : [{ probe: 'TCP connection', detail: `expected refused (the port is not published), got ${seen.connect}` }];
  return { row: [String(target.port), target.service, `connection ${seen.connect}`, 'not published'], expectation: 'refuses connections (not published)', failures };
}

/**
 * The verdict of one port from what was seen there (undefined: not probed, as a port on no
 * loopback address is not); an observation of another kind than the target's is itself a failure.
 */
export function portVerdict(target: AccessTarget, seen: PortObservation | undefined): PortVerdict {
  if (target.host === undefined || seen === undefined) {
    const why = target.host === undefined ? 'published on no loopback address: the rehearsal probes loopback only' : 'not probed';
    return { row: [String(target.port), target.service, '-', '-'], expectation: LOGIN_EXPECTATION, failures: [{ probe: 'address', detail: why }] };
  }
  if (seen.kind !== target.kind) return { row: [String(target.port), target.service, '-', '-'], expectation: LOGIN_EXPECTATION, failures: [{ probe: 'kind', detail: `probed as ${seen.kind}, expected ${target.kind}` }] };
  if (seen.kind === 'http') return httpVerdict(target, seen);
  if (seen.kind === 'kafka') return kafkaVerdict(target, seen);
  return tcpVerdict(target, seen);
}

export const ACCESS_TABLE_HEADER = ['port', 'service', 'without credentials', 'with credentials'] as const;

/** The table of every port and the phase's check results: one per port that passed, one per failure. */
export function accessReport(verdicts: readonly PortVerdict[]): { readonly table: string; readonly results: CheckResult[] } {
  return {
    table: table(ACCESS_TABLE_HEADER, verdicts.map((v) => v.row)),
    results: verdicts.flatMap((v): CheckResult[] => {
      const port = `port ${v.row[0]} (${v.row[1]})`;
      if (v.failures.length === 0) return [{ pipeline: 'access', check: `${port} ${v.expectation}`, verdict: 'pass', detail: `${v.row[2]} | ${v.row[3]}` }];
      return v.failures.map((f) => ({ pipeline: 'access', check: `${port} ${f.probe}`, verdict: 'fail', detail: f.detail }));
    }),
  };
}
