/**
 * The access phase's pure parts: which ports it probes (from the synthesized containers), the
 * verdicts from what each port answered, and the table of the closing note.
 */
import {
  accessReport,
  accessTargets,
  loopbackHost,
  portVerdict,
  proxyRoutes,
  publishedPorts,
  type AccessTarget,
  type HttpPortObservation,
  type KafkaPortObservation,
} from '../../e2e/access-checks';
import type { HttpAnswer } from '../../e2e/probes';
import { DOCKER_DNS_RESOLVER, PROXY_CERT_FILE, PROXY_CONFIG_FILE, PROXY_HEALTH_PORT, PROXY_KEY_FILE, PROXY_USERS_FILE, renderNginxConfig } from '../../platform/proxy-config';
import { configWith, synthStack } from '../support/synth';

const config = configWith();
const threeBrokers = { ...config, kafka: { ...config.kafka, brokers: 3 as const } };

/** The proxy's nginx.conf for two routes, rendered by the stack's own renderer: Grafana gets the login, ksqlDB does not. */
const nginxConf = renderNginxConfig({
  routes: [
    { name: 'ksqldb-8088', listenPort: 8088, upstream: 'http://ksqldb:8088' },
    { name: 'grafana-3000', listenPort: 3000, upstream: 'http://grafana:3000', passAuthorization: true },
  ],
  certFile: PROXY_CERT_FILE,
  keyFile: PROXY_KEY_FILE,
  usersFile: PROXY_USERS_FILE,
  healthPort: PROXY_HEALTH_PORT,
  resolver: DOCKER_DNS_RESOLVER,
});

/** A small authenticated stack: the proxy publishes the HTTP ports, each broker its listener, the database nothing, and one stray port. */
const fixtureTf = {
  resource: {
    docker_container: {
      proxy: {
        name: 'e2e-proxy',
        hostname: 'proxy',
        ports: [8088, 3000].map((p) => ({ internal: p, external: p, ip: '127.0.0.1' })),
        upload: [{ file: PROXY_CONFIG_FILE, content: nginxConf }, { file: PROXY_USERS_FILE, content: 'lab:{PLAIN}${random_password.lab.result}' }],
      },
      kafka_1: { name: 'e2e-kafka-1', hostname: 'kafka-1', ports: [{ internal: 9094, external: 9092, ip: '127.0.0.1' }] },
      kafka_2: { name: 'e2e-kafka-2', hostname: 'kafka-2', ports: [{ internal: 9094, external: 9093, ip: '127.0.0.1' }] },
      kafka_3: { name: 'e2e-kafka-3', hostname: 'kafka-3', ports: [{ internal: 9094, external: 9094, ip: '127.0.0.1' }] },
      mariadb: { name: 'e2e-mariadb', hostname: 'mariadb' },
      generators: { name: 'e2e-generators', hostname: 'generators', ports: [] },
      debug: { name: 'e2e-debug', hostname: 'debug', ports: [{ internal: 1, external: 7777 }, { internal: 2, external: 7778, ip: '192.168.56.10' }] },
    },
  },
};

const describeTargets = (targets: readonly AccessTarget[]): string[] =>
  targets.map((t) => `${t.port} ${t.kind} ${t.service} via ${t.container ?? '-'} on ${t.host ?? 'no loopback'}${t.passesLoginOn ? ', login passed on' : ''}`);

describe('proxyRoutes, publishedPorts and accessTargets', () => {
  it("read the proxy's routes from its nginx.conf: port, upstream, and whether the login is passed on", () => {
    expect(proxyRoutes(fixtureTf)).toEqual([
      { port: 8088, upstream: 'ksqldb:8088', passesLoginOn: false },
      { port: 3000, upstream: 'grafana:3000', passesLoginOn: true },
    ]);
    expect(proxyRoutes(synthStack(config))).toEqual([]);
  });

  it('probe every published port, named after its route or container, and the unpublished database port', () => {
    expect(describeTargets(accessTargets(publishedPorts(fixtureTf), proxyRoutes(fixtureTf), threeBrokers))).toEqual([
      '3000 http grafana:3000 via proxy on 127.0.0.1, login passed on',
      '3306 mariadb mariadb via - on 127.0.0.1',
      '7777 http debug via debug on 127.0.0.1',
      '7778 http debug via debug on no loopback',
      '8088 http ksqldb:8088 via proxy on 127.0.0.1',
      '9092 kafka kafka-1 via kafka-1 on 127.0.0.1',
      '9093 kafka kafka-2 via kafka-2 on 127.0.0.1',
      '9094 kafka kafka-3 via kafka-3 on 127.0.0.1',
    ]);
    expect(['0.0.0.0', '::', '127.0.0.2', '[::1]', '10.0.0.1'].map(loopbackHost)).toEqual(['127.0.0.1', '127.0.0.1', '127.0.0.2', '::1', undefined]);
  });

  it('probe every port of the synthesized authenticated stack: the HTTP ones behind the proxy, Grafana\'s alone given the login', () => {
    const authenticated = configWith({ access: 'authenticated' });
    const tf = synthStack(authenticated);
    const targets = accessTargets(publishedPorts(tf), proxyRoutes(tf), authenticated);
    expect(describeTargets(targets)).toEqual([
      '3000 http grafana:3000 via proxy on 127.0.0.1, login passed on',
      '3306 mariadb mariadb via - on 127.0.0.1',
      '5601 http kibana:5601 via proxy on 127.0.0.1',
      '8000 http payments-api:8000 via proxy on 127.0.0.1',
      '8080 http kafka-ui:8080 via proxy on 127.0.0.1',
      '8081 http schema-registry:8081 via proxy on 127.0.0.1',
      '8083 http connect:8083 via proxy on 127.0.0.1',
      '8088 http ksqldb:8088 via proxy on 127.0.0.1',
      '8099 http pinot:8000 via proxy on 127.0.0.1',
      '9000 http pinot:9000 via proxy on 127.0.0.1',
      '9092 kafka kafka-1 via kafka-1 on 127.0.0.1',
      '9200 http elasticsearch:9200 via proxy on 127.0.0.1',
    ]);
    // Every configured port is probed, none twice.
    expect(targets.map((t) => t.port)).toEqual(Object.values(authenticated.ports).sort((a, b) => a - b));
  });

  it('judge the database port of an open stack, which publishes it, as the database, once', () => {
    const open = accessTargets(publishedPorts(synthStack(config)), [], config);
    expect(open.filter((t) => t.port === config.ports.mariadb)).toEqual([{ port: 3306, kind: 'mariadb', service: 'mariadb', host: '127.0.0.1', container: 'mariadb', passesLoginOn: false }]);
  });
});

const answer = (status: number, authenticate?: string): HttpAnswer => ({ status, body: status === 0 ? 'connect ECONNRESET' : `status ${status}`, ...(authenticate ? { authenticate } : {}) });

const target = (port: number, kind: AccessTarget['kind'], service: string, passesLoginOn = false): AccessTarget => ({ port, kind, service, host: '127.0.0.1', container: 'proxy', passesLoginOn });

const refusing: HttpPortObservation = {
  kind: 'http',
  anonymous: answer(401, 'Basic realm="lab"'),
  wrongPassword: answer(401, 'Basic realm="lab"'),
  plainHttp: answer(400),
  withCredentials: [
    { user: 'lab-deployer', answer: answer(200) },
    { user: 'lab', answer: answer(200) },
  ],
};

const secureBroker: KafkaPortObservation = {
  kind: 'kafka',
  wrongPassword: { ok: false, authenticationFailed: true, error: 'SASL SCRAM SHA512 authentication failed' },
  plaintext: { answered: false, outcome: 'closed' },
  withCredentials: { user: 'lab', login: { ok: true, topics: 31 } },
};

describe('portVerdict', () => {
  it('passes a port that asks for Basic auth, refuses a wrong password and plain HTTP, and lets both logins through', () => {
    expect(portVerdict(target(8088, 'http', 'ksqldb'), refusing)).toEqual({
      row: ['8088', 'ksqldb', '401 Basic; wrong password 401; plain HTTP 400', '200 as lab-deployer, 200 as lab'],
      expectation: 'refuses without credentials, accepts with them',
      failures: [],
    });
    // Any answer of the service counts: a redirect, a 404 of an API without a root page.
    const kibana = { ...refusing, withCredentials: [{ user: 'lab-deployer', answer: answer(302) }], plainHttp: answer(0) };
    expect(portVerdict(target(5601, 'http', 'kibana'), kibana)).toMatchObject({ row: ['5601', 'kibana', '401 Basic; wrong password 401; plain HTTP closed', '302 as lab-deployer'], failures: [] });
  });

  it('fails an open port once per way it lets a request through, each with what it answered', () => {
    const open: HttpPortObservation = { kind: 'http', anonymous: answer(200), wrongPassword: answer(200), plainHttp: answer(200), withCredentials: [{ user: 'lab-deployer', answer: answer(200) }] };
    expect(portVerdict(target(9200, 'http', 'elasticsearch'), open).failures).toEqual([
      { probe: 'without credentials', detail: 'expected 401 asking for Basic auth, got HTTP 200: status 200' },
      { probe: 'with a wrong password', detail: 'expected 401, got HTTP 200: status 200' },
      { probe: 'in plain HTTP', detail: 'expected 400 or no answer, got HTTP 200: status 200' },
    ]);
  });

  it("fails a 401 that is the service's own rather than a Basic login's, and a login the proxy refuses or cannot pass on", () => {
    const seen: HttpPortObservation = {
      ...refusing,
      anonymous: answer(401),
      withCredentials: [
        { user: 'lab-deployer', answer: answer(401, 'Basic realm="lab"') },
        { user: 'lab', answer: answer(502) },
      ],
    };
    expect(portVerdict(target(3000, 'http', 'grafana', true), seen).failures).toEqual([
      { probe: 'without credentials', detail: 'expected 401 asking for Basic auth, got HTTP 401: status 401 (WWW-Authenticate: none)' },
      { probe: 'as lab-deployer over TLS', detail: "expected the service's answer, got login refused: HTTP 401: status 401" },
      { probe: 'as lab over TLS', detail: "expected the service's answer, got the proxy did not reach the service: HTTP 502: status 502" },
    ]);
  });

  it('passes a broker that refuses a wrong password and plain text and lists topics for the person', () => {
    expect(portVerdict(target(9092, 'kafka', 'kafka broker 1'), secureBroker)).toEqual({
      row: ['9092', 'kafka broker 1', 'wrong password: authentication failed; PLAINTEXT: closed', 'lab: lists 31 topics'],
      expectation: 'refuses without credentials, accepts with them',
      failures: [],
    });
  });

  it('fails a broker that speaks plain text, lets a wrong password in, or refuses for another reason than the login', () => {
    const plaintext: KafkaPortObservation = { ...secureBroker, wrongPassword: { ok: true, topics: 31 }, plaintext: { answered: true } };
    expect(portVerdict(target(9092, 'kafka', 'kafka broker 1'), plaintext).failures).toEqual([
      { probe: 'SASL_SSL login with a wrong password', detail: 'expected an authentication failure, it listed 31 topics' },
      { probe: 'PLAINTEXT ApiVersions request', detail: 'answered by Kafka: the port speaks without TLS' },
    ]);
    const unreachable: KafkaPortObservation = {
      ...secureBroker,
      wrongPassword: { ok: false, authenticationFailed: false, error: 'Connection error: connect ECONNREFUSED 127.0.0.1:9092' },
      withCredentials: { user: 'lab', login: { ok: false, authenticationFailed: false, error: 'Connection error: connect ECONNREFUSED 127.0.0.1:9092' } },
    };
    expect(portVerdict(target(9092, 'kafka', 'kafka broker 1'), unreachable).failures).toEqual([
      { probe: 'SASL_SSL login with a wrong password', detail: 'expected an authentication failure, it failed before: Connection error: connect ECONNREFUSED 127.0.0.1:9092' },
      { probe: 'SCRAM-SHA-512 login over TLS as lab', detail: "expected the lab's topics listed, failed: Connection error: connect ECONNREFUSED 127.0.0.1:9092" },
    ]);
    const noTopics: KafkaPortObservation = { ...secureBroker, withCredentials: { user: 'lab', login: { ok: true, topics: 0 } } };
    expect(portVerdict(target(9092, 'kafka', 'kafka broker 1'), noTopics).failures).toEqual([{ probe: 'SCRAM-SHA-512 login over TLS as lab', detail: "expected the lab's topics listed, it sees no topic" }]);
  });

  it('passes the database port only when it refuses the connection', () => {
    const mariadb = target(3306, 'mariadb', 'mariadb');
    expect(portVerdict(mariadb, { kind: 'mariadb', connect: 'refused' })).toEqual({ row: ['3306', 'mariadb', 'connection refused', 'not published'], expectation: 'refuses connections (not published)', failures: [] });
    expect(portVerdict(mariadb, { kind: 'mariadb', connect: 'accepted' }).failures).toEqual([{ probe: 'TCP connection', detail: 'expected refused (the port is not published), got accepted' }]);
  });

  it('fails a port it could not probe on loopback, and an observation of the wrong kind', () => {
    expect(portVerdict({ ...target(7778, 'http', 'debug'), host: undefined }, undefined).failures).toEqual([{ probe: 'address', detail: 'published on no loopback address: the rehearsal probes loopback only' }]);
    expect(portVerdict(target(9092, 'kafka', 'kafka broker 1'), refusing).failures).toEqual([{ probe: 'kind', detail: 'probed as http, expected kafka' }]);
  });
});

describe('accessReport', () => {
  it('prints port, service, without and with credentials, and gives one passing result per good port and one failing result per failure', () => {
    const open: HttpPortObservation = { ...refusing, anonymous: answer(200) };
    const report = accessReport([
      portVerdict(target(3306, 'mariadb', 'mariadb'), { kind: 'mariadb', connect: 'refused' }),
      portVerdict(target(8088, 'http', 'ksqldb'), refusing),
      portVerdict(target(9092, 'kafka', 'kafka broker 1'), secureBroker),
      portVerdict(target(9200, 'http', 'elasticsearch'), open),
    ]);
    expect(report.table.split('\n')).toEqual([
      'port  service         without credentials                                       with credentials',
      '----  --------------  --------------------------------------------------------  -------------------------------',
      '3306  mariadb         connection refused                                        not published',
      '8088  ksqldb          401 Basic; wrong password 401; plain HTTP 400             200 as lab-deployer, 200 as lab',
      '9092  kafka broker 1  wrong password: authentication failed; PLAINTEXT: closed  lab: lists 31 topics',
      '9200  elasticsearch   200; wrong password 401; plain HTTP 400                   200 as lab-deployer, 200 as lab',
    ]);
    expect(report.results.map((r) => `${r.verdict} ${r.pipeline}: ${r.check}`)).toEqual([
      'pass access: port 3306 (mariadb) refuses connections (not published)',
      'pass access: port 8088 (ksqldb) refuses without credentials, accepts with them',
      'pass access: port 9092 (kafka broker 1) refuses without credentials, accepts with them',
      'fail access: port 9200 (elasticsearch) without credentials',
    ]);
    expect(report.results[3].detail).toBe('expected 401 asking for Basic auth, got HTTP 200: status 200');
  });
});
