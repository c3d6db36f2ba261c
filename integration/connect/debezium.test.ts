/**
 * The moodle CDC source for real: Kafka 3.9.1, a distributed Connect worker with the Debezium
 * MariaDB plugin the stack's image installs, and MariaDB from Debian set up by the stack's own init
 * SQL. The connector spec comes from the DebeziumSource construct's synthesized Terraform JSON, and
 * it is applied, updated and deleted by running the provisioners' own command (ops/connect/cli.ts)
 * with OBJECT_ENDPOINT and OBJECT_SPEC, as `cdktf deploy` / `destroy` do.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { Testing } from 'cdktf';
import { Kafka, logLevel, type Consumer } from 'kafkajs';
import { DebeziumSource } from '../../constructs/connectors';
import { opsCommand, PROJECT_ROOT_FROM_STACK } from '../../constructs/rest-object';
import { moodleLogsSchema } from '../../generators/datasets/moodle_logs.schema';
import { KSQL_TYPE, type FieldSpec } from '../../generators/schema';
import { CDC_PASSWORD_ENV } from '../../platform/mariadb';
import type { ConnectorSpec } from '../../ops/connect/rest';
import { type LocalConnect, startConnect } from '../support/connect';
import { type LocalKafka, startKafka } from '../support/kafka';
import { type LocalMariaDb, startMariaDb } from '../support/mariadb';
import { PROJECT_ROOT } from '../../lib/project-root';
import { waitUntil } from '../support/ports';

const PASSWORD_ENV = CDC_PASSWORD_ENV;
const TABLE = 'mdl_logstore_standard_log';
const CDC_TOPIC = moodleLogsSchema.sink.kind === 'database' ? moodleLogsSchema.sink.cdcTopic : '';

interface RunResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a RestObject provisioner command the way Terraform's local-exec does: a shell, the env, the project root. */
function provision(command: string, env: Record<string, string>): Promise<RunResult> {
  return new Promise((resolve) => {
    const child = spawn(command, { cwd: PROJECT_ROOT, shell: true, env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** OBJECT_SPEC as the provisioner receives it: the synthesized input.spec, evaluated by Terraform ($${ is a literal ${). */
function synthesizedSpec(database: LocalMariaDb, kafka: LocalKafka, connectUrl: string): { endpoint: string; spec: string; commands: string[] } {
  const tf = JSON.parse(
    Testing.synthScope((scope) => {
      new DebeziumSource(scope, 'moodle-cdc', {
        connectUrl,
        dataset: moodleLogsSchema,
        database: { host: database.host, port: database.port, user: database.cdcUser, passwordEnvVar: PASSWORD_ENV, name: database.database },
        kafka: { bootstrapServers: kafka.bootstrap },
      });
    }),
  ) as {
    resource: {
      terraform_data: Record<string, { input: { endpoint: string; spec: string }; provisioner: Array<{ 'local-exec': { command: string; working_dir: string } }> }>;
    };
  };
  const [resource] = Object.values(tf.resource.terraform_data);
  for (const p of resource.provisioner) expect(p['local-exec'].working_dir).toBe(PROJECT_ROOT_FROM_STACK);
  return {
    endpoint: resource.input.endpoint,
    spec: resource.input.spec.replace(/\$\$\{/g, '${').replace(/%%\{/g, '%{'),
    commands: resource.provisioner.map((p) => p['local-exec'].command),
  };
}

/** The JSON type a value of a ksqlDB column type must have in a JSON record. */
function matchesKsqlType(value: unknown, field: FieldSpec): boolean {
  switch (KSQL_TYPE[field.type]) {
    case 'VARCHAR':
      return typeof value === 'string';
    case 'INTEGER':
    case 'BIGINT':
      return typeof value === 'number' && Number.isInteger(value);
    case 'DOUBLE':
      return typeof value === 'number';
    case 'BOOLEAN':
      return typeof value === 'boolean';
    default:
      return false;
  }
}

interface CdcRecord {
  readonly key: unknown;
  readonly value: Record<string, unknown>;
}

describe('Debezium MariaDB source for moodle_logs on a real Connect worker', () => {
  const cdcPassword = randomBytes(12).toString('hex');
  let kafka: LocalKafka;
  let mariadb: LocalMariaDb;
  let connect: LocalConnect;
  let consumer: Consumer;
  const records: CdcRecord[] = [];
  let spec: ConnectorSpec;
  let objectEnv: Record<string, string>;
  let applyCommand: string;
  let deleteCommand: string;

  const rowsOf = (ids: readonly number[]): CdcRecord[] => records.filter((r) => ids.includes(r.value.id as number));
  const waitForIds = (ids: readonly number[]): Promise<void> =>
    waitUntil(async () => ids.every((id) => records.some((r) => r.value.id === id)), {
      what: `CDC records with ids ${ids.join(', ')} on ${CDC_TOPIC}`,
      timeoutMs: 120_000,
      intervalMs: 500,
      describe: () => `received ${records.length} record(s): ${JSON.stringify(records.map((r) => r.value)).slice(0, 2000)}`,
    });

  async function insertRow(n: number): Promise<{ id: number; row: Record<string, unknown> }> {
    const row = {
      eventname: `\\core\\event\\course_viewed_${n}`,
      component: 'core',
      action: n % 2 ? 'viewed' : 'submitted',
      userid: 1000 + n,
      courseid: 20 + n,
      // Epoch milliseconds beyond 2^32, so a narrowing to INT anywhere on the way would show.
      timecreated: 1_700_000_000_000 + n,
    };
    const { insertId } = await mariadb.execute(
      `INSERT INTO ${TABLE} (eventname, component, action, userid, courseid, timecreated) VALUES (?, ?, ?, ?, ?, ?)`,
      [row.eventname, row.component, row.action, row.userid, row.courseid, row.timecreated],
    );
    return { id: insertId, row: { id: insertId, ...row } };
  }

  beforeAll(async () => {
    kafka = await startKafka();
    mariadb = await startMariaDb({ cdcPassword });
    // The password reaches the worker only as its environment, as in the stack's Connect container.
    connect = await startConnect(kafka, { env: { [PASSWORD_ENV]: cdcPassword } });

    const synthesized = synthesizedSpec(mariadb, kafka, connect.url);
    spec = JSON.parse(synthesized.spec) as ConnectorSpec;
    objectEnv = { OBJECT_ENDPOINT: synthesized.endpoint, OBJECT_SPEC: synthesized.spec };
    [applyCommand, deleteCommand] = synthesized.commands;

    consumer = new Kafka({ clientId: 'debezium-it', brokers: [kafka.bootstrap], logLevel: logLevel.NOTHING }).consumer({
      groupId: `debezium-it-${randomBytes(4).toString('hex')}`,
    });
  });

  afterAll(async () => {
    await consumer?.disconnect();
    await connect?.stop();
    await mariadb?.stop();
    await kafka?.stop();
  });

  it('uses the provisioner commands of the stack, and the spec holds no secret', () => {
    expect(applyCommand).toBe(opsCommand('connect', 'apply'));
    expect(deleteCommand).toBe(opsCommand('connect', 'delete'));
    expect(objectEnv.OBJECT_SPEC).not.toContain(cdcPassword);
    expect(spec.config['database.password']).toBe(`\${env:${PASSWORD_ENV}}`);
  });

  it('creates the connector; rows from the snapshot and from the binlog reach the CDC topic with exactly the declared fields and types', async () => {
    const before = [await insertRow(1), await insertRow(2)];

    const created = await provision(applyCommand, objectEnv);
    expect(created.stderr).toBe('');
    expect(created.code).toBe(0);
    expect(created.stdout).toContain(`connector "${spec.name}" created`);
    expect(created.stdout).toMatch(new RegExp(`connector "${spec.name}" is running \\(connector RUNNING, task 0 RUNNING\\)`));

    // The topic exists once the snapshot wrote to it (Connect creates it: the broker does not auto-create).
    await consumer.connect();
    await waitUntil(
      async () => {
        const admin = new Kafka({ clientId: 'debezium-it-admin', brokers: [kafka.bootstrap], logLevel: logLevel.NOTHING }).admin();
        await admin.connect();
        try {
          return (await admin.listTopics()).includes(CDC_TOPIC);
        } finally {
          await admin.disconnect();
        }
      },
      { what: `topic ${CDC_TOPIC}`, timeoutMs: 120_000, intervalMs: 1_000 },
    );
    await consumer.subscribe({ topic: CDC_TOPIC, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        if (!message.value) return;
        records.push({
          key: message.key ? (JSON.parse(message.key.toString()) as unknown) : null,
          value: JSON.parse(message.value.toString()) as Record<string, unknown>,
        });
      },
    });

    const after = [await insertRow(3), await insertRow(4), await insertRow(5)];
    const inserted = [...before, ...after];
    await waitForIds(inserted.map((r) => r.id));

    const declared = moodleLogsSchema.fields;
    for (const { id, row } of inserted) {
      const [record] = rowsOf([id]);
      // Exactly the moodle ksqlDB stream's columns (the dataset schema the .sql validator checks against)...
      expect(Object.keys(record.value).sort()).toEqual(declared.map((f) => f.name).sort());
      // ...each with the JSON type its ksqlDB type reads...
      for (const field of declared) {
        expect({ field: field.name, ksqlType: KSQL_TYPE[field.type], ok: matchesKsqlType(record.value[field.name], field) }).toEqual({
          field: field.name,
          ksqlType: KSQL_TYPE[field.type],
          ok: true,
        });
      }
      // ...and the row's values, event time included.
      expect(record.value).toEqual(row);
      expect(record.key).toEqual({ id });
    }
    expect(rowsOf(inserted.map((r) => r.id))).toHaveLength(inserted.length);
  });

  it('re-applying the same spec changes nothing', async () => {
    const again = await provision(applyCommand, objectEnv);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain(`connector "${spec.name}" unchanged`);
  });

  it('updates the running connector through the applier; the change shows in new records', async () => {
    const changed: ConnectorSpec = { ...spec, config: { ...spec.config, 'transforms.unwrap.add.fields': 'op' } };
    const updated = await provision(applyCommand, { ...objectEnv, OBJECT_SPEC: JSON.stringify(changed) });
    expect(updated.stderr).toBe('');
    expect(updated.code).toBe(0);
    expect(updated.stdout).toContain(`connector "${spec.name}" updated`);

    const stored = (await (await fetch(`${connect.url}/connectors/${spec.name}/config`)).json()) as Record<string, string>;
    expect(stored['transforms.unwrap.add.fields']).toBe('op');

    const { id } = await insertRow(6);
    await waitForIds([id]);
    // ExtractNewRecordState adds the operation as __op: only the updated config does that.
    expect(rowsOf([id])[0].value.__op).toBe('c');
  });

  it('a task that fails after Connect accepted the config fails the apply with its trace', async () => {
    const failing: ConnectorSpec = {
      name: 'moodle-cdc-failing-task',
      // Valid for Connect's validation, but the task cannot create its schema history topic.
      config: { ...spec.config, 'schema.history.internal.kafka.topic': 'not a valid topic name', 'topic.prefix': 'failing', 'database.server.id': '184056' },
    };
    const result = await provision(applyCommand, { ...objectEnv, OBJECT_SPEC: JSON.stringify(failing) });
    await provision(deleteCommand, { ...objectEnv, OBJECT_SPEC: JSON.stringify(failing) });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('start connector "moodle-cdc-failing-task" failed\nKafka Connect says: 1 FAILED task(s):\ntask 0 on worker');
    // The worker's own Java trace, down to the cause.
    expect(result.stderr).toContain('org.apache.kafka.connect.errors.ConnectException: Creation of database schema history topic failed');
    expect(result.stderr).toMatch(/\n\tat io\.debezium\.storage\.kafka\.history\.KafkaSchemaHistory\.initializeStorage/);
    expect(result.stderr).toContain("InvalidTopicException: Topic name is invalid: 'not a valid topic name'");
  });

  it('a config Connect rejects fails the apply with its reason', async () => {
    const broken: ConnectorSpec = {
      name: 'moodle-cdc-wrong-password',
      config: { ...spec.config, 'database.password': 'not-the-password', 'topic.prefix': 'broken', 'database.server.id': '184055' },
    };
    const result = await provision(applyCommand, { ...objectEnv, OBJECT_SPEC: JSON.stringify(broken) });
    // Connect may have stored it before its task failed: leave the worker as the other tests expect it.
    await provision(deleteCommand, { ...objectEnv, OBJECT_SPEC: JSON.stringify(broken) });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('configure connector "moodle-cdc-wrong-password" failed\nKafka Connect says: HTTP 400: Connector configuration is invalid');
    expect(result.stderr).toMatch(/Unable to connect: .*Access denied for user 'debezium'/);
  });

  it('deletes the connector; deleting it again is fine', async () => {
    const deleted = await provision(deleteCommand, objectEnv);
    expect(deleted.code).toBe(0);
    expect(deleted.stdout).toContain(`connector "${spec.name}" deleted`);
    expect((await fetch(`${connect.url}/connectors/${spec.name}`)).status).toBe(404);
    const names = (await (await fetch(`${connect.url}/connectors`)).json()) as string[];
    expect(names).not.toContain(spec.name);

    const again = await provision(deleteCommand, objectEnv);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain(`connector "${spec.name}" does not exist; nothing to delete`);
  });
});
