import { moodleLogsSchema } from '../../generators/datasets/moodle_logs.schema';
import { mariadbInitSql, MOODLE_LOG_TABLE } from '../../platform/mariadb-init';

describe('mariadbInitSql (shared by the stack and the integration tests)', () => {
  const sql = mariadbInitSql({ cdcUser: 'debezium', cdcPassword: 'secret' });

  it('creates the table named by the moodle_logs sink', () => {
    expect(moodleLogsSchema.sink).toMatchObject({ kind: 'database', table: MOODLE_LOG_TABLE });
    expect(sql).toContain(`CREATE TABLE IF NOT EXISTS \`moodle\`.\`${MOODLE_LOG_TABLE}\` (`);
  });

  it('declares one column per moodle_logs field, in schema order', () => {
    const body = sql.slice(sql.indexOf('(\n') + 2, sql.indexOf(') ENGINE'));
    const columns = body
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line !== '' && !line.startsWith('KEY '))
      .map((line) => line.split(' ')[0]);
    expect(columns).toEqual(moodleLogsSchema.fields.map((field) => field.name));
  });

  it('maps epoch-ms timestamps and ids to BIGINT and makes id the AUTO_INCREMENT key', () => {
    expect(sql).toContain('  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,');
    expect(sql).toContain('  timecreated BIGINT NOT NULL,');
    expect(sql).toContain('  eventname VARCHAR(255) NOT NULL,');
  });

  it('quotes the CDC credentials as SQL strings', () => {
    const quoted = mariadbInitSql({ cdcUser: "o'brien", cdcPassword: "pa'ss\\word" });
    expect(quoted).toContain("CREATE USER IF NOT EXISTS 'o''brien'@'%' IDENTIFIED BY 'pa''ss\\\\word';");
  });

  it('grants the CDC user what Debezium needs on MariaDB and nothing that writes', () => {
    expect(sql).toContain(
      "GRANT SELECT, RELOAD, SHOW DATABASES, LOCK TABLES, REPLICATION SLAVE, BINLOG MONITOR ON *.* TO 'debezium'@'%';",
    );
    expect(sql).not.toMatch(/GRANT[^;]*(INSERT|UPDATE|DELETE|ALL)/);
  });
});
