/**
 * moodle_logs through the real CLI into a real MariaDB (Debian's, set up with the stack's own init
 * SQL): the rows land in mdl_logstore_standard_log with the schema's columns, the database assigns
 * the ids, and the rows are exactly what the same seed prints with --stdout.
 */
import { datasetModule } from '../../generators/datasets';
import { schemaProblems } from '../../__tests__/generators/drive';
import { type LocalMariaDb, startMariaDb } from '../support/mariadb';
import { freePort } from '../support/ports';
import { acknowledged, killLeftoverClis, runCli } from './support';

const schema = datasetModule('moodle_logs').schema;
const SAME_RUN = ['--count', '500', '--seed', '4', '--start-time', '2024-05-01T08:00:00Z', '--rate', 'unlimited'];
const withoutId = ({ id: _id, ...row }: Record<string, unknown>): Record<string, unknown> => row;
const order = (a: Record<string, unknown>, b: Record<string, unknown>): number => JSON.stringify(a).localeCompare(JSON.stringify(b));

describe('moodle_logs into a real MariaDB', () => {
  let db: LocalMariaDb;

  beforeAll(async () => {
    db = await startMariaDb();
  });

  afterAll(async () => {
    killLeftoverClis();
    await db?.stop();
  });

  it('inserts every row, with the schema columns, ids from AUTO_INCREMENT, the same rows as --stdout', async () => {
    // The password travels in the environment, as in the stack, not on the command line.
    const run = await runCli(['moodle_logs', ...SAME_RUN, '--workers', '3', '--batch-size', '40'], { MOODLE_DB_URL: db.url });
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: expect.stringContaining('done: sent 500, not delivered 0') });
    expect(acknowledged(run.stderr)).toBe(500);

    const rows = (await db.query('SELECT * FROM mdl_logstore_standard_log')).map((row) =>
      Object.fromEntries(Object.entries(row).map(([column, value]) => [column, typeof value === 'string' && /^\d+$/.test(value) && column !== 'eventname' ? Number(value) : value])),
    );
    expect(rows).toHaveLength(500);
    expect(Object.keys(rows[0]).sort()).toEqual(schema.fields.map((field) => field.name).sort());
    expect(rows.flatMap((row) => schemaProblems(schema, row))).toEqual([]);
    expect(new Set(rows.map((row) => row.id)).size).toBe(500);

    const printed = await runCli(['moodle_logs', ...SAME_RUN, '--stdout']);
    expect(printed.code).toBe(0);
    const expected = printed.stdout
      .trim()
      .split('\n')
      .map((line) => withoutId(JSON.parse(line) as Record<string, unknown>));
    expect(rows.map(withoutId).sort(order)).toEqual(expected.sort(order));
  });

  it('a database that is not there: exits 1 and says which rows were not inserted and why', async () => {
    const url = `mysql://${db.user}:${encodeURIComponent(db.password)}@127.0.0.1:${await freePort()}/${db.database}`;
    const run = await runCli(['moodle_logs', '--count', '20', '--rate', 'unlimited', '--delivery-timeout-ms', '3000'], { MOODLE_DB_URL: url });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/NOT DELIVERED: 20 rows not inserted into mdl_logstore_standard_log: ECONNREFUSED/);
    expect(run.stderr).toContain('FAILED: sent 0, not delivered 20');
  });
});
