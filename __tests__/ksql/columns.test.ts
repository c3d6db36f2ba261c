import { ColumnAnalysisError, outputColumns, valueColumns } from '../../ksql-language/columns';
import { parseScript, type KsqlStatement } from '../../ksql-language/parser';
import { loadPipelineScript } from '../../pipelines/scripts';
import { PIPELINES } from '../../pipelines/catalog';

function statements(sql: string): Map<string, KsqlStatement> {
  const parsed = parseScript('test.sql', sql);
  expect(parsed.problems).toEqual([]);
  return new Map(parsed.statements.map((s) => [s.name, s]));
}

function columnsOf(sql: string, name: string): string[] {
  const byName = statements(sql);
  return outputColumns(byName.get(name)!, byName).map((c) => (c.place === 'value' ? c.name : `${c.name}[${c.place}]`));
}

const CLICKS = `CREATE STREAM CLICKS (USERID INT KEY, IP VARCHAR, STATUS INT, TRACE VARCHAR HEADER('trace')) WITH (KAFKA_TOPIC='clicks', VALUE_FORMAT='JSON');
CREATE TABLE CODES (CODE VARCHAR PRIMARY KEY, DEFINITION VARCHAR) WITH (KAFKA_TOPIC='codes', VALUE_FORMAT='JSON');
`;

describe('outputColumns', () => {
  it('takes a column list as declared: key, header and value columns', () => {
    expect(columnsOf(CLICKS, 'CLICKS')).toEqual(['USERID[key]', 'IP', 'STATUS', 'TRACE[header]']);
  });

  it('keeps a source key column as key in a plain projection, and names items by alias, column or position', () => {
    const sql = `${CLICKS}CREATE STREAM ERRS AS SELECT USERID, C.IP, STATUS * 2 AS DOUBLED, UCASE(IP) FROM CLICKS C WHERE STATUS >= 400;`;
    expect(columnsOf(sql, 'ERRS')).toEqual(['USERID[key]', 'IP', 'DOUBLED', 'KSQL_COL_3']);
  });

  it('expands SELECT * to the source columns, without header columns', () => {
    expect(columnsOf(`${CLICKS}CREATE STREAM ALL_CLICKS AS SELECT * FROM CLICKS;`, 'ALL_CLICKS')).toEqual(['USERID[key]', 'IP', 'STATUS']);
  });

  it('makes the GROUP BY expression the key and AS_VALUE a value copy, with window bounds in the value', () => {
    const sql = `${CLICKS}CREATE TABLE PER_MIN AS SELECT CONCAT(IP, '-x') AS IP_KEY, AS_VALUE(CONCAT(IP, '-x')) AS IP_X, WINDOWSTART AS WINDOW_START, COUNT(*) AS N
      FROM CLICKS WINDOW TUMBLING (SIZE 60 SECONDS) GROUP BY CONCAT(IP, '-x') EMIT CHANGES;`;
    expect(columnsOf(sql, 'PER_MIN')).toEqual(['IP_KEY[key]', 'IP_X', 'WINDOW_START', 'N']);
  });

  it('makes the PARTITION BY expression the key', () => {
    const sql = `${CLICKS}CREATE STREAM BY_IP AS SELECT IP AS IP_KEY, USERID AS USERID FROM CLICKS PARTITION BY IP;`;
    expect(columnsOf(sql, 'BY_IP')).toEqual(['IP_KEY[key]', 'USERID']);
  });

  it('makes one item equal to either side of a join condition the key, qualifiers ignored', () => {
    const sql = `${CLICKS}CREATE STREAM ENRICHED AS SELECT CC.CODE AS CODE, C.STATUS AS STATUS, CC.DEFINITION AS DEFINITION
      FROM CLICKS C LEFT JOIN CODES CC ON CAST(C.STATUS AS VARCHAR) = CC.CODE;`;
    expect(columnsOf(sql, 'ENRICHED')).toEqual(['CODE[key]', 'STATUS', 'DEFINITION']);
  });

  it('refuses SELECT * over a GROUP BY, naming the statement and the fix', () => {
    const byName = statements(`${CLICKS}CREATE TABLE T AS SELECT * FROM CLICKS GROUP BY IP;`);
    expect(() => outputColumns(byName.get('T')!, byName)).toThrow(ColumnAnalysisError);
    expect(() => outputColumns(byName.get('T')!, byName)).toThrow(/test\.sql:3: T: SELECT \* over a join, GROUP BY or PARTITION BY — list the columns/);
  });
});

describe('valueColumns of the pipelines', () => {
  const byName = new Map<string, KsqlStatement>();
  for (const p of Object.values(PIPELINES)) for (const s of loadPipelineScript(p).statements) byName.set(s.name, s);

  it.each(Object.values(PIPELINES).flatMap((p) => p.sinks.map((s) => [p.name, s.object])))('%s sink %s has value columns and no key among them', (_pipeline, object) => {
    const statement = byName.get(object)!;
    const columns = outputColumns(statement, byName);
    const values = valueColumns(statement, byName);
    expect(values.length).toBeGreaterThan(0);
    for (const key of columns.filter((c) => c.place === 'key')) expect(values).not.toContain(key.name);
  });

  it('windowed aggregations carry their window start in the value (dashboards chart it)', () => {
    expect(valueColumns(byName.get('SHOP_INCOME_PER_3_SECONDS')!, byName)).toEqual(['WINDOW_START', 'WINDOW_END', 'INCOME', 'TRANSACTION_COUNT']);
    expect(valueColumns(byName.get('MOODLE_USER_SESSIONS')!, byName)).toContain('SESSION_START');
  });
});
