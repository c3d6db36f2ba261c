/**
 * The access phase's Kafka probes against real Kafka 3.9.1 brokers: a SASL_SSL listener (the
 * harness's, with a test-time CA and SCRAM-SHA-512 users, as the lab's host listener is in
 * authenticated access) passes, and a PLAINTEXT listener (the open lab's) fails for the reasons
 * the phase gives.
 */
import type { AccessTarget } from '../../e2e/access-checks';
import { accessChecks, kafkaLogin, plaintextApiVersions, type AccessCredentials } from '../../e2e/access-probes';
import { scramOverTls } from '../../e2e/lab-access';
import { startKafka, type LocalKafka } from '../support/kafka';
import { randomPassword, startSecureKafka, type SecureKafka } from '../support/secure-kafka';

const TOPIC = 'access_probe_topic';
const brokerTarget = (port: number): AccessTarget => ({ port, kind: 'kafka', service: 'kafka broker 1', host: '127.0.0.1', container: 'kafka-1', passesLoginOn: false });

describe('against a SASL_SSL listener', () => {
  let broker: SecureKafka;
  const person = { username: 'lab', password: randomPassword() };
  let credentials: AccessCredentials;

  beforeAll(async () => {
    broker = await startSecureKafka();
    await broker.createScramUser(person);
    // The harness enforces ACLs; the lab's person may at least see every topic.
    await broker.grantAcls(`User:${person.username}`, [{ resourceType: 'Topic', patternType: 'Literal', resourceName: '*', operations: ['Describe'], why: 'the person lists the topics' }]);
    const admin = broker.superAdmin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: TOPIC, numPartitions: 1 }], waitForLeaders: true });
    await admin.disconnect();
    credentials = { ca: broker.tls.caPem, lab: { user: person.username, password: person.password }, deployer: { user: broker.superUser.username, password: broker.superUser.password } };
  });

  afterAll(async () => {
    await broker?.stop();
  });

  it("the person's SCRAM-SHA-512 login lists the topics; a wrong password fails in the authentication itself", async () => {
    expect(await kafkaLogin(broker.bootstrap, scramOverTls(broker.tls.caPem, credentials.lab))).toEqual({ ok: true, topics: 1 });
    const wrong = await kafkaLogin(broker.bootstrap, scramOverTls(broker.tls.caPem, { user: person.username, password: 'not-the-password' }));
    expect(wrong).toMatchObject({ ok: false, authenticationFailed: true });
  });

  it('a plain-text ApiVersions request gets no Kafka answer', async () => {
    expect(await plaintextApiVersions('127.0.0.1', broker.port)).toMatchObject({ answered: false });
  });

  it('passes the access phase', async () => {
    const report = await accessChecks([brokerTarget(broker.port)], credentials);
    expect(report.results).toEqual([expect.objectContaining({ verdict: 'pass' })]);
    expect(report.table.split('\n')[2].split(/\s{2,}/)).toEqual([String(broker.port), 'kafka broker 1', expect.stringMatching(/^wrong password: authentication failed; PLAINTEXT: (closed|failed \(ECONNRESET\))/), 'lab: lists 1 topics']);
  });
});

describe('against a PLAINTEXT listener', () => {
  let broker: LocalKafka;

  beforeAll(async () => {
    broker = await startKafka();
  });

  afterAll(async () => {
    await broker?.stop();
  });

  it('answers a plain-text ApiVersions request, so the phase fails it, and no TLS login reaches an authentication', async () => {
    expect(await plaintextApiVersions('127.0.0.1', broker.port)).toEqual({ answered: true });
    const report = await accessChecks([brokerTarget(broker.port)], { ca: 'no CA: the listener speaks no TLS', lab: { user: 'lab', password: 'x' }, deployer: { user: 'lab-deployer', password: 'y' } });
    expect(report.results.map((r) => r.check)).toEqual([
      `port ${broker.port} (kafka broker 1) SASL_SSL login with a wrong password`,
      `port ${broker.port} (kafka broker 1) PLAINTEXT ApiVersions request`,
      `port ${broker.port} (kafka broker 1) SCRAM-SHA-512 login over TLS as lab`,
    ]);
  });
});
