import { AclOperationTypes, AclPermissionTypes, AclResourceTypes, Kafka, logLevel, ResourcePatternTypes } from 'kafkajs';
import { randomPassword, type SaslUser, type SecureKafka, startSecureKafka } from './secure-kafka';

/** The secured broker itself: TLS with the test-time CA, SASL logins, and ACLs that are enforced. */

const TOPIC = 'secure_harness_events';
const plainUser: SaslUser = { username: 'plain-client', password: randomPassword() };
const scramUser: SaslUser = { username: 'scram-client', password: randomPassword() };
let broker: SecureKafka;

const client = (security: ReturnType<SecureKafka['clientSecurity']> | Record<string, never>): Kafka =>
  new Kafka({ ...security, clientId: 'secure-harness-test', brokers: [broker.bootstrap], logLevel: logLevel.NOTHING, retry: { retries: 0 }, connectionTimeout: 3_000 });

async function produceOne(kafka: Kafka): Promise<void> {
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  try {
    await producer.send({ topic: TOPIC, acks: -1, messages: [{ value: 'hello' }] });
  } finally {
    await producer.disconnect();
  }
}

async function recordCount(): Promise<number> {
  const admin = broker.superAdmin();
  await admin.connect();
  try {
    const offsets = await admin.fetchTopicOffsets(TOPIC);
    return offsets.reduce((sum, p) => sum + Number(p.high) - Number(p.low), 0);
  } finally {
    await admin.disconnect();
  }
}

beforeAll(async () => {
  broker = await startSecureKafka({ plainUsers: [plainUser] });
  const admin = broker.superAdmin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic: TOPIC, numPartitions: 1 }], waitForLeaders: true });
  await admin.disconnect();
  await broker.createScramUser(scramUser);
});

afterAll(async () => {
  await broker?.stop();
});

describe('startSecureKafka', () => {
  it('the super user produces over SASL_SSL with SCRAM-SHA-512, trusting the test-time CA', async () => {
    await produceOne(client(broker.clientSecurity(broker.superUser)));
    expect(await recordCount()).toBe(1);
  });

  it('a client that speaks plaintext to the SASL_SSL listener gets no metadata', async () => {
    await expect(client({}).admin().connect()).rejects.toThrow();
  });

  it('a client that does not trust the CA is refused in the TLS handshake', async () => {
    const untrusting = new Kafka({
      ssl: true,
      sasl: { mechanism: 'scram-sha-512', ...broker.superUser },
      clientId: 'untrusting',
      brokers: [broker.bootstrap],
      logLevel: logLevel.NOTHING,
      retry: { retries: 0 },
    });
    await expect(untrusting.admin().connect()).rejects.toThrow(/self[- ]signed|unable to verify|certificate/i);
  });

  it('a wrong SCRAM password is refused with an authentication error', async () => {
    const wrong = client(broker.clientSecurity({ username: scramUser.username, password: 'not-the-password' }));
    await expect(wrong.admin().connect()).rejects.toThrow(/SASL SCRAM SHA512 authentication failed/);
  });

  it('SCRAM-SHA-256 and PLAIN logins work too', async () => {
    for (const kafka of [client(broker.clientSecurity(scramUser, 'SCRAM-SHA-256')), client(broker.clientSecurity(plainUser, 'PLAIN'))]) {
      const admin = kafka.admin();
      await admin.connect();
      await admin.disconnect();
    }
  });

  it('the authorizer is on: a user without ACLs cannot write, and can once an ACL allows it', async () => {
    const scram = client(broker.clientSecurity(scramUser));
    await expect(produceOne(scram)).rejects.toThrow(/authoriz/i);

    const admin = broker.superAdmin();
    await admin.connect();
    await admin.createAcls({
      acl: [AclOperationTypes.WRITE, AclOperationTypes.DESCRIBE].map((operation) => ({
        resourceType: AclResourceTypes.TOPIC,
        resourceName: TOPIC,
        resourcePatternType: ResourcePatternTypes.LITERAL,
        principal: `User:${scramUser.username}`,
        host: '*',
        operation,
        permissionType: AclPermissionTypes.ALLOW,
      })),
    });
    await admin.disconnect();

    const before = await recordCount();
    await produceOne(scram);
    expect(await recordCount()).toBe(before + 1);
  });
});

describe('startSecureKafka with a container address', () => {
  it('serves SASL_SSL on the CONTAINERS listener too, with a certificate valid for that address', async () => {
    // 127.0.0.2 stands in for a Docker network gateway: another local address than the 127.0.0.1 listener.
    const secured = await startSecureKafka({ containerHost: '127.0.0.2' });
    try {
      expect(secured.containerBootstrap).toMatch(/^127\.0\.0\.2:\d+$/);
      const admin = new Kafka({
        ...secured.clientSecurity(secured.superUser),
        clientId: 'container-listener-test',
        brokers: [secured.containerBootstrap!],
        logLevel: logLevel.NOTHING,
        retry: { retries: 0 },
      }).admin();
      await admin.connect();
      const cluster = await admin.describeCluster();
      // The broker advertises the container address to clients that came in through it.
      expect(cluster.brokers.map((b) => `${b.host}:${b.port}`)).toEqual([secured.containerBootstrap]);
      await admin.disconnect();
    } finally {
      await secured.stop();
    }
  });
});
