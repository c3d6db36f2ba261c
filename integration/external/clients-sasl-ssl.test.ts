import { type Admin, logLevel } from 'kafkajs';
import { paymentsSchema } from '../../generators/datasets/payments.schema';
import { parsePaymentsArgs } from '../../payments/config';
import { endpointsOf } from '../../payments/endpoints';
import { startPaymentsServer, type RunningPaymentsServer } from '../../payments/server';
import { kafkaClientEnv } from '../../platform/app';
import type { KafkaConnection } from '../../platform/kafka-connection';
import { serviceAclGrants } from '../../platform/service-acls';
import { killLeftoverClis, startCli } from '../generators/support';
import { randomPassword, type SaslUser, type SecureKafka, startSecureKafka } from '../support/secure-kafka';
import { type LocalSchemaRegistry, startSchemaRegistry } from '../support/registry';

/**
 * The Node clients of the stack on a secured cluster: the generators (the real CLI) and the
 * payments API produce over SASL_SSL (SCRAM-SHA-512, a private CA) with exactly the environment the
 * stack gives their containers (kafkaClientEnv), as a user that holds only the stack's ACLs.
 */

const PREFIX = 'it.clients.';
const services: SaslUser = { username: 'lab-services', password: randomPassword() };
let broker: SecureKafka;
let registry: LocalSchemaRegistry;
let admin: Admin;
let api: RunningPaymentsServer | undefined;

/** The connection ExternalKafka describes, with the credentials resolved as Terraform would. */
const connection = (user: SaslUser): KafkaConnection => ({
  bootstrapServers: broker.bootstrap,
  clientProperties: { 'security.protocol': 'SASL_SSL', 'sasl.mechanism': 'SCRAM-SHA-512' },
  brokers: [],
  replicationFactor: 1,
  saslCredentials: user,
  caCertPem: broker.tls.caPem,
  topicPrefix: PREFIX,
});

async function recordCount(topic: string): Promise<number> {
  const offsets = await admin.fetchTopicOffsets(topic);
  return offsets.reduce((sum, o) => sum + Number(o.high) - Number(o.low), 0);
}

beforeAll(async () => {
  broker = await startSecureKafka();
  await broker.createScramUser(services);
  await broker.grantAcls(`User:${services.username}`, serviceAclGrants(PREFIX));
  admin = broker.superAdmin();
  await admin.connect();
  const topics = ['ratings', ...endpointsOf(paymentsSchema).map((e) => e.topic)].map((t) => ({ topic: `${PREFIX}${t}` }));
  await admin.createTopics({ topics, waitForLeaders: true });
  // The registry stores its schemas on the same cluster, as the lab's does: under the prefix, logged
  // in as the services' user that holds only the stack's ACLs.
  registry = await startSchemaRegistry({
    kafka: {
      bootstrap: broker.bootstrap,
      clientProperties: {
        'security.protocol': 'SASL_SSL',
        'sasl.mechanism': 'SCRAM-SHA-512',
        'sasl.jaas.config': `org.apache.kafka.common.security.scram.ScramLoginModule required username="${services.username}" password="${services.password}";`,
        'ssl.truststore.type': 'PEM',
        'ssl.truststore.location': broker.tls.caFile,
      },
      topic: `${PREFIX}_schemas`,
      groupId: `${PREFIX}schema-registry`,
    },
  });
}, 10 * 60_000);

afterAll(async () => {
  killLeftoverClis();
  await api?.close();
  await admin?.disconnect();
  await registry?.stop();
  await broker?.stop();
});

describe('generators and the payments API on a SASL_SSL cluster', () => {
  it('a generator produces its dataset to the prefixed topic', async () => {
    const run = startCli(['ratings', '--count', '40', '--rate', '1000', '--progress-ms', '0'], kafkaClientEnv(connection(services)));
    expect(await run.exit()).toBe(0);
    expect(await recordCount(`${PREFIX}ratings`)).toBe(40);
  });

  it('a generator with a wrong password fails, and says the SASL authentication failed', async () => {
    const run = startCli(['ratings', '--count', '5', '--progress-ms', '0', '--delivery-timeout-ms', '5000'], kafkaClientEnv(connection({ ...services, password: 'wrong' })));
    expect(await run.exit()).not.toBe(0);
    expect(run.stderr()).toMatch(/SASL SCRAM SHA512 authentication failed/);
  });

  it('the payments API produces every format to its prefixed topic, and the generator posts through it', async () => {
    const env = kafkaClientEnv(connection(services));
    const parsed = parsePaymentsArgs(['--host', '127.0.0.1', '--port', '0', '--schema-registry-url', registry.url], env);
    if (parsed.kind !== 'run') throw new Error('expected a run configuration');
    api = await startPaymentsServer(parsed.config, { env, log: () => undefined, kafkaLogLevel: logLevel.NOTHING });

    const endpoints = endpointsOf(paymentsSchema, PREFIX);
    const before = await Promise.all(endpoints.map((e) => recordCount(e.topic)));
    const run = startCli(['payments', '--count', '30', '--rate', '1000', '--progress-ms', '0', '--via-api', api.url], {});
    expect(await run.exit()).toBe(0);
    const after = await Promise.all(endpoints.map((e) => recordCount(e.topic)));
    expect(after.reduce((a, b) => a + b, 0) - before.reduce((a, b) => a + b, 0)).toBe(30);
    // The schemas are registered under the prefixed topics' subjects, which ksqlDB looks up.
    const subjects = (await (await fetch(`${registry.url}/subjects`)).json()) as string[];
    expect(subjects).toEqual(expect.arrayContaining(endpoints.map((e) => e.subject)));
  });
});
