/** The Debezium MariaDB source config, derived from the database dataset's schema. */
import type { DatasetSchema } from '../../generators/schema';
import { debeziumSourceConnector, envReference, topicPrefixFor, workerEnvVariable } from '../../payloads/debezium-source';
import { moodleLogsSchema } from '../../generators/datasets/moodle_logs.schema';

const PARAMS = {
  dataset: moodleLogsSchema,
  database: { host: 'mariadb', port: 3306, user: 'debezium', passwordEnvVar: 'MOODLE_CDC_PASSWORD', name: 'moodle' },
  kafka: { bootstrapServers: 'kafka:9092' },
};

describe('debeziumSourceConnector', () => {
  const { name, config } = debeziumSourceConnector(PARAMS);

  it('captures the dataset table of the database into the dataset CDC topic', () => {
    expect(name).toBe('moodle-cdc');
    expect(config).toMatchObject({
      'connector.class': 'io.debezium.connector.mariadb.MariaDbConnector',
      'database.hostname': 'mariadb',
      'database.port': '3306',
      'database.user': 'debezium',
      // <topic.prefix>.<database>.<table> is the CDC topic of the dataset.
      'topic.prefix': 'moodle',
      'database.include.list': 'moodle',
      'table.include.list': 'moodle\\.mdl_logstore_standard_log',
      'snapshot.mode': 'initial',
      'schema.history.internal.kafka.bootstrap.servers': 'kafka:9092',
      'schema.history.internal.kafka.topic': '_moodle-cdc-schema-history',
    });
    expect(`${config['topic.prefix']}.moodle.mdl_logstore_standard_log`).toBe('moodle.moodle.mdl_logstore_standard_log');
  });

  it('keeps exactly the dataset columns, as flat JSON rows without schemas', () => {
    expect(config['column.include.list']).toBe('moodle\\.mdl_logstore_standard_log\\.(id|eventname|component|action|userid|courseid|timecreated)');
    expect(config).toMatchObject({
      transforms: 'unwrap',
      'transforms.unwrap.type': 'io.debezium.transforms.ExtractNewRecordState',
      'transforms.unwrap.delete.tombstone.handling.mode': 'drop',
      'value.converter': 'org.apache.kafka.connect.json.JsonConverter',
      'value.converter.schemas.enable': 'false',
      'key.converter.schemas.enable': 'false',
    });
  });

  it('has no secret in the spec: the password is an env config provider reference', () => {
    expect(config['database.password']).toBe('${env:MOODLE_CDC_PASSWORD}');
  });

  it('reads the client properties of an external cluster from the worker env, never inline', () => {
    const external = debeziumSourceConnector({
      ...PARAMS,
      kafka: { bootstrapServers: 'pkc.example:9092', clientPropertyNames: ['security.protocol', 'sasl.jaas.config'] },
    });
    expect(external.config).toMatchObject({
      'schema.history.internal.producer.sasl.jaas.config': '${env:CONNECT_SASL_JAAS_CONFIG}',
      'schema.history.internal.consumer.sasl.jaas.config': '${env:CONNECT_SASL_JAAS_CONFIG}',
      'schema.history.internal.producer.security.protocol': '${env:CONNECT_SECURITY_PROTOCOL}',
    });
  });

  it('refuses a CDC topic that Debezium would not produce for the table', () => {
    const wrong: DatasetSchema = { ...moodleLogsSchema, sink: { kind: 'database', table: 'mdl_logstore_standard_log', cdcTopic: 'moodle_logs' } };
    expect(() => debeziumSourceConnector({ ...PARAMS, dataset: wrong })).toThrow(
      'dataset moodle_logs: CDC topic "moodle_logs" is not "<prefix>.moodle.mdl_logstore_standard_log"',
    );
    expect(() => topicPrefixFor({ ...moodleLogsSchema, sink: { kind: 'kafka', topic: 't' } }, 'moodle')).toThrow('is not written to a database');
  });

  it('builds env references and worker variable names', () => {
    expect(envReference('MOODLE_CDC_PASSWORD')).toBe('${env:MOODLE_CDC_PASSWORD}');
    expect(() => envReference('not a name')).toThrow('"not a name" is not an environment variable name');
    expect(workerEnvVariable('sasl.jaas.config')).toBe('CONNECT_SASL_JAAS_CONFIG');
  });
});
