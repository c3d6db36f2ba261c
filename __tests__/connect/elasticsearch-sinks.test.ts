/** Elasticsearch sink connector configs and the index template, derived from sink declarations and a ksqlDB script. */
import { parseScript } from '../../ksql-language/parser';
import {
  elasticsearchSinkConnector,
  resolveSinkTargets,
  SinkDeclarationError,
  type SinkTarget,
} from '../../payloads/elasticsearch-sinks';
import { PIPELINES } from '../../pipelines/catalog';
import { pipelineIndexTemplate } from '../../payloads/index-templates';
import type { PipelineDecl, SinkDecl } from '../../pipelines/types';

const SCRIPT = `
CREATE STREAM LOGS (HOST VARCHAR KEY, STATUS INTEGER, TS BIGINT)
  WITH (KAFKA_TOPIC='server_logs', VALUE_FORMAT='JSON', TIMESTAMP='TS');

-- per-host errors per minute
CREATE TABLE ERRORS_PER_HOST WITH (KEY_FORMAT='KAFKA') AS
  SELECT HOST, AS_VALUE(HOST) AS HOST_NAME, WINDOWSTART AS WINDOW_START, COUNT(*) AS ERRORS
  FROM LOGS WINDOW TUMBLING (SIZE 1 MINUTE) WHERE STATUS >= 500 GROUP BY HOST HAVING COUNT(*) >= 5;

CREATE TABLE EVENTS_PER_STATUS WITH (KEY_FORMAT='JSON') AS
  SELECT STATUS, COUNT(*) AS EVENTS FROM LOGS GROUP BY STATUS;

CREATE TABLE KAFKA_KEYED AS SELECT HOST, COUNT(*) AS N FROM LOGS GROUP BY HOST;

CREATE STREAM SERVER_ERRORS WITH (KAFKA_TOPIC='server.errors') AS SELECT * FROM LOGS WHERE STATUS >= 500;

CREATE STREAM AVRO_ERRORS WITH (VALUE_FORMAT='AVRO') AS SELECT * FROM LOGS WHERE STATUS >= 500;

CREATE STREAM RAW_LINES (LINE VARCHAR) WITH (KAFKA_TOPIC='raw', VALUE_FORMAT='DELIMITED');
`;

const STATEMENTS = parseScript('ksql/test.sql', SCRIPT).statements;

function pipelineWith(sinks: SinkDecl[]): PipelineDecl {
  return { name: 'server-logs', title: 't', datasets: [], needs: [], ksqlFile: 'ksql/test.sql', sinks, dashboard: PIPELINES['server-logs'].dashboard };
}

function target(sink: SinkDecl): SinkTarget {
  return resolveSinkTargets(pipelineWith([sink]), STATEMENTS)[0];
}

const ES = { elasticsearchUrl: 'http://elasticsearch:9200' };

describe('resolveSinkTargets', () => {
  it('finds kind, topic, index, value format and id strategy of each sink', () => {
    const targets = resolveSinkTargets(
      pipelineWith([{ object: 'ERRORS_PER_HOST' }, { object: 'EVENTS_PER_STATUS' }, { object: 'KAFKA_KEYED' }, { object: 'SERVER_ERRORS' }]),
      STATEMENTS,
    );
    expect(targets.map((t) => [t.object, t.kind, t.topic, t.index, t.valueFormat, t.id])).toEqual([
      ['ERRORS_PER_HOST', 'TABLE', 'ERRORS_PER_HOST', 'errors_per_host', 'JSON', 'key-bytes'],
      ['EVENTS_PER_STATUS', 'TABLE', 'EVENTS_PER_STATUS', 'events_per_status', 'JSON', 'key-bytes'],
      ['KAFKA_KEYED', 'TABLE', 'KAFKA_KEYED', 'kafka_keyed', 'JSON', 'key-bytes'],
      // KAFKA_TOPIC set: the topic is that name, the index still the object's.
      ['SERVER_ERRORS', 'STREAM', 'server.errors', 'server_errors', 'JSON', 'offset'],
    ]);
  });

  it('reports every problem at once, naming the declaration or the statement and the fix', () => {
    const sinks: SinkDecl[] = [{ object: 'NO_SUCH_TABLE' }, { object: 'RAW_LINES' }, { object: 'KAFKA_KEYED' }, { object: 'KAFKA_KEYED' }];
    let error: unknown;
    try {
      resolveSinkTargets(pipelineWith(sinks), STATEMENTS);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SinkDeclarationError);
    const message = (error as Error).message;
    expect(message).toContain('Elasticsearch sinks failed validation (3 problems)');
    expect(message).toContain(
      'pipelines/catalog.ts (server-logs): sink NO_SUCH_TABLE is not created by ksql/test.sql — create it there, or remove it from the sinks of server-logs',
    );
    expect(message).toContain(
      'ksql/test.sql:19: the value format of sink RAW_LINES is DELIMITED, which the Elasticsearch sink cannot read as documents — set VALUE_FORMAT to one of JSON, AVRO, PROTOBUF, JSON_SR',
    );
    expect(message).toContain('pipelines/catalog.ts (server-logs): sink KAFKA_KEYED is listed twice');
  });

  it('inherits the value format from the source when the statement sets none', () => {
    expect(target({ object: 'SERVER_ERRORS' }).valueFormat).toBe('JSON');
    expect(target({ object: 'AVRO_ERRORS' }).valueFormat).toBe('AVRO');
  });
});

describe('elasticsearchSinkConnector', () => {
  it('writes a stream into the lower-case index with offset ids (key ignored, never converted)', () => {
    const { name, config } = elasticsearchSinkConnector(target({ object: 'SERVER_ERRORS' }), ES);
    expect(name).toBe('es-sink-server_errors');
    expect(config).toEqual({
      'connector.class': 'io.confluent.connect.elasticsearch.ElasticsearchSinkConnector',
      'tasks.max': '1',
      topics: 'server.errors',
      'connection.url': 'http://elasticsearch:9200',
      'schema.ignore': 'true',
      'write.method': 'insert',
      'behavior.on.malformed.documents': 'fail',
      'read.timeout.ms': '30000',
      'max.retries': '10',
      'retry.backoff.ms': '500',
      'key.ignore': 'true',
      'key.converter': 'org.apache.kafka.connect.converters.ByteArrayConverter',
      'behavior.on.null.values': 'ignore',
      'value.converter': 'org.apache.kafka.connect.json.JsonConverter',
      'value.converter.schemas.enable': 'false',
      transforms: 'toIndex',
      'transforms.toIndex.type': 'org.apache.kafka.connect.transforms.RegexRouter',
      // The dot of the topic is escaped: the regex matches this topic only.
      'transforms.toIndex.regex': 'server\\.errors',
      'transforms.toIndex.replacement': 'server_errors',
    });
  });

  it.each(['ERRORS_PER_HOST', 'EVENTS_PER_STATUS', 'KAFKA_KEYED'])(
    'upserts table %s by the base64 of its key bytes, and its tombstones delete the document',
    (object) => {
      const { config } = elasticsearchSinkConnector(target({ object }), ES);
      expect(config).toMatchObject({
        'key.ignore': 'false',
        'key.converter': 'org.apache.kafka.connect.converters.ByteArrayConverter',
        transforms: 'keyToId,toIndex',
        'transforms.keyToId.type': 'org.apache.kafka.connect.transforms.Cast$Key',
        'transforms.keyToId.spec': 'string',
        'behavior.on.null.values': 'delete',
        'transforms.toIndex.regex': object,
        'transforms.toIndex.replacement': object.toLowerCase(),
      });
    },
  );

  it('reads AVRO values through Schema Registry, and refuses to without its URL', () => {
    const avro = target({ object: 'AVRO_ERRORS' });
    expect(() => elasticsearchSinkConnector(avro, ES)).toThrow('sink AVRO_ERRORS reads AVRO values: pass schemaRegistryUrl');
    const { config } = elasticsearchSinkConnector(avro, { ...ES, schemaRegistryUrl: 'http://schema-registry:8081' });
    expect(config['value.converter']).toBe('io.confluent.connect.avro.AvroConverter');
    expect(config['value.converter.schema.registry.url']).toBe('http://schema-registry:8081');
    expect(config['value.converter.schemas.enable']).toBeUndefined();
  });
});

describe('pipelineIndexTemplate', () => {
  const targets = resolveSinkTargets(pipelineWith([{ object: 'SERVER_ERRORS' }, { object: 'ERRORS_PER_HOST' }]), STATEMENTS);

  it('covers exactly the sink indices of the pipeline', () => {
    const template = pipelineIndexTemplate('server-logs', targets);
    expect(template.name).toBe('lab-server-logs');
    expect(template.body.index_patterns).toEqual(['errors_per_host', 'server_errors']);
  });

  it('maps window bounds and *_TS epoch milliseconds as dates and strings as keywords', () => {
    const template = pipelineIndexTemplate('server-logs', targets, { timeColumns: ['TIMECREATED', 'EVENT_TS'] });
    const mappings = (template.body.template as { mappings: { dynamic_templates: Array<Record<string, { match?: string; match_mapping_type: string; mapping: { type: string } }>> } }).mappings;
    const [dates, strings] = mappings.dynamic_templates.map((t) => Object.values(t)[0]);
    expect(dates.mapping).toEqual({ type: 'date', format: 'epoch_millis' });
    expect(dates.match_mapping_type).toBe('long');
    expect(strings).toEqual({ match_mapping_type: 'string', mapping: { type: 'keyword', ignore_above: 2048 } });
    // Elasticsearch matches the whole field name against a Java regex; (?i) is Java's inline flag, which JS lacks.
    expect(dates.match).toBe('(?i)((WINDOW|SESSION)_?(START|END)|ROWTIME|TS|.*_TS|TIMECREATED)');
    const pattern = new RegExp(`^(?:${dates.match!.replace('(?i)', '')})$`, 'i');
    for (const name of ['WINDOW_START', 'WINDOW_END', 'WINDOWSTART', 'SESSION_START', 'SESSION_END', 'ROWTIME', 'EVENT_TS', 'LAST_TS', 'TS', 'ts', 'TIMECREATED']) {
      expect(name).toMatch(pattern);
    }
    for (const name of ['ERRORS', 'HOST', 'STATUS', 'TSUNAMI', 'DURATION_S', 'MAX_LATENCY_MS']) expect(name).not.toMatch(pattern);
  });

  it('refuses a pipeline without sinks', () => {
    expect(() => pipelineIndexTemplate('shop', [])).toThrow('pipeline shop has no sinks');
  });
});
