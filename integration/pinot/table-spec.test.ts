/**
 * The Pinot schema and REALTIME table config the stack synthesizes, read by Pinot 1.5's own classes
 * (pinot-spi) the way the controller reads a POST /schemas and POST /tables body: no key Pinot does
 * not know, a valid schema, the time column a date-time field in epoch milliseconds, and a complete
 * Kafka stream config with the consumer factory and decoder Pinot 1.5 ships.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PinotTableSpec } from '../../ops/pinot/applier';
import { PINOT_JSON_DECODER, PINOT_KAFKA_CONSUMER_FACTORY } from '../../payloads/pinot-tables';
import { configWith, resourcesOf, SNAPSHOT_CONFIGS, synthStack } from '../../__tests__/support/synth';
import { pinotCheckClasspath } from './pinot-spi';

const classpath = pinotCheckClasspath();
const dir = mkdtempSync(join(tmpdir(), 'pinot-spec-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function check(schema: unknown, table: unknown): { code: number | null; lines: string[] } {
  const schemaFile = join(dir, 'schema.json');
  const tableFile = join(dir, 'table.json');
  writeFileSync(schemaFile, JSON.stringify(schema));
  writeFileSync(tableFile, JSON.stringify(table));
  const r = spawnSync('java', ['-cp', classpath, 'PinotSpecCheck', schemaFile, tableFile], { encoding: 'utf8' });
  return { code: r.status, lines: r.stdout.split('\n').filter((l) => /^(ok|invalid): /.test(l)) };
}

const specs = ['default', 'external'].map((name) => {
  const config = configWith(SNAPSHOT_CONFIGS[name]);
  const resource = Object.entries(resourcesOf(synthStack(config), 'terraform_data')).find(([id]) => id.startsWith('pinot_'))![1];
  return [name, JSON.parse((resource.input as { spec: string }).spec) as PinotTableSpec] as const;
});

describe.each(specs)('the Pinot table of the %s stack', (_, spec) => {
  it('is read by pinot-spi 1.5.1 without unknown keys, with its time column and Kafka stream', () => {
    const { code, lines } = check(spec.schema, spec.tableConfig);
    expect(lines).toEqual([
      'ok: schema shop_income_per_3_seconds with columns [INCOME, TRANSACTION_COUNT, WINDOW_END, WINDOW_START]',
      'ok: time column WINDOW_START LONG EPOCH in MILLISECONDS, granularity 1 ms',
      `ok: stream kafka topic window_transactions consumer factory ${PINOT_KAFKA_CONSUMER_FACTORY} decoder ${PINOT_JSON_DECODER} offset smallest`,
    ]);
    expect(code).toBe(0);
  });
});

describe('the check', () => {
  const [, spec] = specs[0];

  it('finds a key Pinot 1.x no longer reads (segmentsConfig.schemaName)', () => {
    const table = { ...spec.tableConfig, segmentsConfig: { ...(spec.tableConfig.segmentsConfig as object), schemaName: spec.schema.schemaName } };
    expect(check(spec.schema, table).lines).toContain('invalid: IllegalArgumentException: table config has keys Pinot does not know: [segmentsConfig.schemaName]');
  });

  it('finds a time column that is not a date-time field', () => {
    const table = { ...spec.tableConfig, segmentsConfig: { ...(spec.tableConfig.segmentsConfig as object), timeColumnName: 'INCOME' } };
    expect(check(spec.schema, table)).toMatchObject({ code: 1, lines: expect.arrayContaining(['invalid: IllegalArgumentException: time column INCOME is not a date-time field of the schema']) });
  });
});
