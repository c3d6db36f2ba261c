/**
 * The SQL the moodle pipeline's database runs at first start: the Moodle log table that the
 * moodle_logs generator fills and Debezium captures, and the user Debezium reads the binlog as.
 * The stack uploads it into the container's /docker-entrypoint-initdb.d; the integration tests
 * run the same SQL against a real MariaDB.
 */
export interface MariaDbInitOptions {
  readonly cdcUser: string;
  /** A literal in tests; a Terraform expression of a generated password in the stack. */
  readonly cdcPassword: string;
  readonly database?: string;
}

export const MOODLE_LOG_TABLE = 'mdl_logstore_standard_log';

const sqlString = (value: string): string => `'${value.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;

export function mariadbInitSql(options: MariaDbInitOptions): string {
  const database = options.database ?? 'moodle';
  return [
    `CREATE DATABASE IF NOT EXISTS \`${database}\`;`,
    `CREATE TABLE IF NOT EXISTS \`${database}\`.\`${MOODLE_LOG_TABLE}\` (`,
    '  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,',
    '  eventname VARCHAR(255) NOT NULL,',
    '  component VARCHAR(100) NOT NULL,',
    '  action VARCHAR(100) NOT NULL,',
    '  userid BIGINT NOT NULL,',
    '  courseid BIGINT NOT NULL,',
    '  timecreated BIGINT NOT NULL,',
    '  KEY idx_user_time (userid, timecreated)',
    ') ENGINE=InnoDB;',
    // Debezium's snapshot and binlog reading need these; BINLOG MONITOR is MariaDB's name for REPLICATION CLIENT.
    `CREATE USER IF NOT EXISTS ${sqlString(options.cdcUser)}@'%' IDENTIFIED BY ${sqlString(options.cdcPassword)};`,
    `GRANT SELECT, RELOAD, SHOW DATABASES, LOCK TABLES, REPLICATION SLAVE, BINLOG MONITOR ON *.* TO ${sqlString(options.cdcUser)}@'%';`,
    'FLUSH PRIVILEGES;',
    '',
  ].join('\n');
}
