import { KsqlDbStandin } from '../../standins/ksqldb';
import { bodyOf, call } from './request';

function ksql(k: KsqlDbStandin, statements: string): { status: number; entities: Array<Record<string, unknown>> } {
  const reply = call(k, 'POST', '/ksql', { ksql: statements, streamsProperties: {} });
  return { status: reply.status, entities: (Array.isArray(reply.body) ? reply.body : [reply.body]) as Array<Record<string, unknown>> };
}

describe('ksqlDB stand-in', () => {
  let k: KsqlDbStandin;
  beforeEach(() => {
    k = new KsqlDbStandin('7.9.11');
  });

  it('is healthy and reports the version of the image it replaces, in the ksql media type', () => {
    const health = call(k, 'GET', '/healthcheck');
    expect(health.contentType).toBe('application/vnd.ksql.v1+json');
    expect(JSON.stringify(health.body)).toContain('"isHealthy":true');
    expect(bodyOf(call(k, 'GET', '/info')).KsqlServerInfo).toMatchObject({ version: '7.9.11', serverStatus: 'RUNNING' });
  });

  it('accepts statements in dependency order, runs persistent queries, and records each command', () => {
    expect(ksql(k, "CREATE STREAM RAW (ID STRING) WITH (KAFKA_TOPIC='raw', VALUE_FORMAT='JSON');").status).toBe(200);
    const created = ksql(k, 'CREATE TABLE COUNTS AS SELECT ID, COUNT(*) AS N FROM RAW GROUP BY ID EMIT CHANGES;');
    expect(created.entities[0]).toMatchObject({ '@type': 'currentStatus', commandStatus: { status: 'SUCCESS' }, commandSequenceNumber: 2 });
    const queries = ksql(k, 'SHOW QUERIES;').entities[0].queries as Array<{ id: string; state: string }>;
    expect(queries).toEqual([expect.objectContaining({ id: 'CTAS_COUNTS_1', state: 'RUNNING' })]);
    const described = ksql(k, 'DESCRIBE `RAW`;').entities[0].sourceDescription as { readQueries: Array<{ id: string }> };
    expect(described.readQueries.map((q) => q.id)).toEqual(['CTAS_COUNTS_1']);
    expect((k.state() as { commands: string[] }).commands.map((c) => c.split(' ').slice(0, 3).join(' '))).toEqual(['CREATE STREAM RAW', 'CREATE TABLE COUNTS']);
  });

  it('refuses a statement whose source does not exist, with the statement error shape', () => {
    const res = ksql(k, 'CREATE STREAM B AS SELECT * FROM MISSING EMIT CHANGES;');
    expect(res.status).toBe(400);
    expect(res.entities[0]).toMatchObject({ '@type': 'statement_error', error_code: 40001, message: expect.stringContaining('MISSING does not exist') });
  });

  it('refuses to drop a source that a query reads, and drops it once its reader is gone', () => {
    ksql(k, "CREATE STREAM RAW (ID STRING) WITH (KAFKA_TOPIC='raw', VALUE_FORMAT='JSON');");
    ksql(k, 'CREATE STREAM COPY AS SELECT * FROM RAW EMIT CHANGES;');
    expect(ksql(k, 'DROP STREAM RAW;').entities[0].message).toContain('The following streams and/or tables read from this source: [COPY]');
    expect(ksql(k, 'DROP STREAM COPY;').status).toBe(200);
    expect(ksql(k, 'DROP STREAM RAW;').status).toBe(200);
    expect(k.state()).toMatchObject({ sources: [], queries: [] });
  });

  it('answers 400 to a body that is not a ksql request', () => {
    const res = call(k, 'POST', '/ksql', '{"sql": "SHOW STREAMS;"}');
    expect(res.status).toBe(400);
    expect(bodyOf(res).message).toBe('POST /ksql: the body must be an object with a "ksql" string');
    expect(call(k, 'POST', '/ksql', 'nope').status).toBe(400);
  });
});
