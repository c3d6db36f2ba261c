import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { Testing } from 'cdktf';
import { type Admin, Kafka, logLevel } from 'kafkajs';
import type { ExternalKafkaConfig } from '../../config/types';
import { DebeziumSource } from '../../constructs/connectors';
import { moodleLogsSchema } from '../../generators/datasets/moodle_logs.schema';
import { PROJECT_ROOT } from '../../lib/project-root';
import { externalClientProperties } from '../../platform/external-kafka';
import { propertiesAsEnv } from '../../platform/kafka-connection';
import { CDC_PASSWORD_ENV } from '../../platform/mariadb';
import { serviceAclGrants } from '../../platform/service-acls';
import { type LocalConnect, startConnect } from '../support/connect';
import { type LocalMariaDb, startMariaDb } from '../support/mariadb';
import { waitUntil } from '../support/ports';
import { randomPassword, type SaslUser, type SecureKafka, startSecureKafka } from '../support/secure-kafka';

/**
 * A real distributed Connect worker with the Debezium MariaDB plugin on the SASL_SSL broker, set up
 * as the stack sets up its Connect container: the worker, producer, consumer and admin clients get
 * externalClientProperties (SCRAM-SHA-512, the private CA as a PEM truststore), the same properties
 * are in its environment as CONNECT_* for Debezium's schema history clients, and every name is
 * under the topic prefix. It logs in as a user holding only the stack's ACLs.
 */

const PREFIX = 'it.cdc.';
const TABLE = 'mdl_logstore_standard_log';
const CDC_TOPIC = moodleLogsSchema.sink.kind === 'database' ? `${PREFIX}${moodleLogsSchema.sink.cdcTopic}` : '';
const services: SaslUser = { username: 'lab-services', password: randomPassword() };
const cdcPassword = randomBytes(12).toString('hex');

let broker: SecureKafka;
let mariadb: LocalMariaDb;
let connect: LocalConnect;
let admin: Admin;
/** The Java client properties ExternalKafka gives every client, with the credentials resolved. */
let client: Record<string, string>;

function run(command: string, env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, { cwd: PROJECT_ROOT, shell: true, env: { ...process.env, ...env } });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('close', (code) => resolve({ code, output }));
  });
}

beforeAll(async () => {
  broker = await startSecureKafka();
  await broker.createScramUser(services);
  await broker.grantAcls(`User:${services.username}`, serviceAclGrants(PREFIX));
  admin = broker.superAdmin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic: CDC_TOPIC }], waitForLeaders: true });
  mariadb = await startMariaDb({ cdcPassword });

  const external: ExternalKafkaConfig = { bootstrapServers: broker.bootstrap, securityProtocol: 'SASL_SSL', saslMechanism: 'SCRAM-SHA-512', caCert: broker.tls.caPem };
  client = externalClientProperties(external, services);
  const prefixed = (prefix: string): Record<string, string> => Object.fromEntries(Object.entries(client).map(([k, v]) => [`${prefix}${k}`, v]));
  connect = await startConnect(broker, {
    env: { [CDC_PASSWORD_ENV]: cdcPassword, ...propertiesAsEnv('CONNECT_', client) },
    properties: {
      ...prefixed(''),
      ...prefixed('producer.'),
      ...prefixed('consumer.'),
      ...prefixed('admin.'),
      'group.id': `${PREFIX}lab-connect`,
      'config.storage.topic': `${PREFIX}_lab-connect-configs`,
      'offset.storage.topic': `${PREFIX}_lab-connect-offsets`,
      'status.storage.topic': `${PREFIX}_lab-connect-status`,
    },
  });
}, 10 * 60_000);

afterAll(async () => {
  await connect?.stop();
  await mariadb?.stop();
  await admin?.disconnect();
  await broker?.stop();
});

describe('Debezium on a real Connect worker over SASL_SSL', () => {
  it('captures inserted rows into the prefixed CDC topic, with its schema history under the prefix', async () => {
    const tf = JSON.parse(
      Testing.synthScope((scope) => {
        new DebeziumSource(scope, 'moodle-cdc', {
          connectUrl: connect.url,
          dataset: moodleLogsSchema,
          database: { host: mariadb.host, port: mariadb.port, user: mariadb.cdcUser, passwordEnvVar: CDC_PASSWORD_ENV, name: mariadb.database },
          kafka: { bootstrapServers: broker.bootstrap, clientPropertyNames: Object.keys(client), topicPrefix: PREFIX },
        });
      }),
    ) as { resource: { terraform_data: Record<string, { input: { endpoint: string; spec: string }; provisioner: Array<{ 'local-exec': { command: string } }> }> } };
    const [resource] = Object.values(tf.resource.terraform_data);
    const spec = resource.input.spec.replace(/\$\$\{/g, '${').replace(/%%\{/g, '%{');
    const applied = await run(resource.provisioner[0]['local-exec'].command, { OBJECT_ENDPOINT: resource.input.endpoint, OBJECT_SPEC: spec });
    expect(applied).toMatchObject({ code: 0 });

    const ids: number[] = [];
    for (let n = 0; n < 3; n++) {
      const { insertId } = await mariadb.execute(
        `INSERT INTO ${TABLE} (eventname, component, action, userid, courseid, timecreated) VALUES (?, ?, ?, ?, ?, ?)`,
        [`\\core\\event\\viewed_${n}`, 'core', 'viewed', 100 + n, 7, 1_700_000_000_000 + n],
      );
      ids.push(insertId);
    }

    // Read back as the services' user, through its prefixed group: the consumer side of the same ACLs.
    const consumer = new Kafka({ ...broker.clientSecurity(services), clientId: 'cdc-reader', brokers: [broker.bootstrap], logLevel: logLevel.NOTHING }).consumer({
      groupId: `${PREFIX}cdc-reader`,
    });
    const seen = new Set<number>();
    await consumer.connect();
    try {
      await consumer.subscribe({ topics: [CDC_TOPIC], fromBeginning: true });
      await consumer.run({
        eachMessage: async ({ message }) => {
          const value = JSON.parse(message.value?.toString() ?? '{}') as { id?: number };
          if (typeof value.id === 'number') seen.add(value.id);
        },
      });
      await waitUntil(async () => ids.every((id) => seen.has(id)), {
        what: `CDC records ${ids.join(', ')} on ${CDC_TOPIC}`,
        timeoutMs: 120_000,
        describe: () => `seen ids: ${[...seen].join(', ')}`,
      });
    } finally {
      await consumer.disconnect();
    }
    const topics = await admin.listTopics();
    expect(topics).toEqual(expect.arrayContaining([`${PREFIX}_moodle-cdc-schema-history`, `${PREFIX}_lab-connect-configs`]));
  });
});
