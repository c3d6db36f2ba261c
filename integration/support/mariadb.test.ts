import { type Connection, createConnection, type RowDataPacket } from 'mysql2/promise';
import { moodleLogsSchema } from '../../generators/datasets/moodle_logs.schema';
import { MOODLE_LOG_TABLE } from '../../platform/mariadb-init';
import { type LocalMariaDb, startMariaDb } from './mariadb';

/** information_schema DATA_TYPE of each logical type in the shared init SQL. */
const DATA_TYPE = { string: 'varchar', int: 'int', bigint: 'bigint', double: 'double', boolean: 'tinyint', timestamp_ms: 'bigint' };

describe('local MariaDB (Debian) set up with the stack init SQL', () => {
  let db: LocalMariaDb;

  beforeAll(async () => {
    db = await startMariaDb();
  });

  afterAll(async () => {
    await db?.stop();
  });

  async function asCdcUser<T>(work: (cdc: Connection) => Promise<T>): Promise<T> {
    const cdc = await createConnection({ host: db.host, port: db.port, user: db.cdcUser, password: db.cdcPassword });
    try {
      return await work(cdc);
    } finally {
      await cdc.end();
    }
  }

  it('writes a binlog in ROW format with full row images, as Debezium needs', async () => {
    const rows = await db.query(
      "SHOW GLOBAL VARIABLES WHERE Variable_name IN ('log_bin', 'binlog_format', 'binlog_row_image', 'server_id')",
    );
    expect(Object.fromEntries(rows.map((row) => [row.Variable_name, row.Value]))).toEqual({
      log_bin: 'ON',
      binlog_format: 'ROW',
      binlog_row_image: 'FULL',
      server_id: '1',
    });
  });

  it('has the log table with the moodle_logs dataset columns, in order, with their SQL types', async () => {
    const columns = await db.query(
      'SELECT COLUMN_NAME AS name, DATA_TYPE AS type, IS_NULLABLE AS nullable, EXTRA AS extra ' +
        'FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION',
      [db.database, MOODLE_LOG_TABLE],
    );
    expect(columns.map((column) => [column.name, column.type])).toEqual(
      moodleLogsSchema.fields.map((field) => [field.name, DATA_TYPE[field.type]]),
    );
    expect(columns.find((column) => column.name === 'id')?.extra).toBe('auto_increment');
  });

  it('lets the application user insert rows, which land in the binlog as row events', async () => {
    const { insertId } = await db.execute(
      `INSERT INTO ${MOODLE_LOG_TABLE} (eventname, component, action, userid, courseid, timecreated) VALUES (?, ?, ?, ?, ?, ?)`,
      ['\\core\\event\\course_viewed', 'core', 'viewed', 42, 7, 1_700_000_000_123],
    );
    expect(await db.query(`SELECT userid, courseid, timecreated FROM ${MOODLE_LOG_TABLE} WHERE id = ?`, [insertId])).toEqual([
      { userid: 42, courseid: 7, timecreated: 1_700_000_000_123 },
    ]);
    // Reading the binlog needs BINLOG MONITOR, which the CDC user has and the application user lacks.
    const events = await asCdcUser(async (cdc) => {
      const [[status]] = await cdc.query<RowDataPacket[]>('SHOW MASTER STATUS');
      const [rows] = await cdc.query<RowDataPacket[]>(`SHOW BINLOG EVENTS IN '${String(status.File)}'`);
      return rows;
    });
    expect(events.map((event) => event.Event_type)).toContain('Write_rows_v1');
    expect(events.some((event) => event.Event_type === 'Table_map' && String(event.Info).includes(MOODLE_LOG_TABLE))).toBe(true);
  });

  it('gives the CDC user what Debezium runs: binlog position, table reads, and no writes', async () => {
    await asCdcUser(async (cdc) => {
      const [grants] = await cdc.query('SHOW GRANTS');
      expect(JSON.stringify(grants)).toMatch(/SELECT, RELOAD, SHOW DATABASES, LOCK TABLES, REPLICATION SLAVE, BINLOG MONITOR ON \*\.\*/);
      const [status] = await cdc.query('SHOW MASTER STATUS');
      expect(status).toEqual([expect.objectContaining({ File: expect.stringMatching(/^mariadb-bin\.\d+$/) })]);
      await cdc.query('FLUSH TABLES'); // RELOAD, used by Debezium's snapshot locking
      const [rows] = await cdc.query(`SELECT COUNT(*) AS n FROM ${db.database}.${MOODLE_LOG_TABLE}`);
      expect(rows).toEqual([{ n: expect.any(Number) }]);
      await expect(
        cdc.query(`DELETE FROM ${db.database}.${MOODLE_LOG_TABLE}`),
      ).rejects.toThrow(/DELETE command denied/);
    });
  });

  it('refuses the application user outside its database', async () => {
    await expect(db.query('CREATE DATABASE not_allowed')).rejects.toThrow(/Access denied/);
  });
});
