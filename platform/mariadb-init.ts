import type { FieldSpec, FieldType } from '../generators/schema';
import { moodleLogsSchema } from '../generators/datasets/moodle_logs.schema';

/**
 * The SQL the moodle pipeline's database runs at first start: the Moodle log table that the
 * moodle_logs generator fills and Debezium captures, and the user Debezium reads the binlog as.
 * The stack uploads it into the container's /docker-entrypoint-initdb.d; the integration tests
 * run the same SQL against a real MariaDB.
 *
 * The table's columns come from the moodle_logs dataset schema, so the rows Debezium emits carry
 * exactly the fields (and JSON types) that the ksqlDB moodle stream declares.
 */
export interface MariaDbInitOptions {
  readonly cdcUser: string;
  /** A literal in tests; a Terraform expression of a generated password in the stack. */
  readonly cdcPassword: string;
  /**
   * The database that holds the log table.
   * @default 'moodle', the database the stack's MariaDB creates (MOODLE_DATABASE)
   */
  readonly database?: string;
}

const { sink } = moodleLogsSchema;
if (sink.kind !== 'database') {
  throw new Error(`platform/mariadb-init.ts: dataset moodle_logs must have a database sink, not '${sink.kind}'`);
}
export const MOODLE_LOG_TABLE = sink.table;

/** The AUTO_INCREMENT primary key: the database assigns it, the generator leaves it out. */
const PRIMARY_KEY = 'id';
/** Moodle's own widths for the short text columns; other strings get VARCHAR(255). */
const VARCHAR_LENGTH: Readonly<Record<string, number>> = { component: 100, action: 100 };
/** The moodle ksqlDB session windows group by user over event time. */
const INDEX = { name: 'idx_user_time', columns: ['userid', 'timecreated'] } as const;

/** SQL type of each logical type. Epoch-ms timestamps stay BIGINT so Debezium emits them as JSON numbers. */
const SQL_TYPE: Readonly<Record<FieldType, (field: FieldSpec) => string>> = {
  string: (field) => `VARCHAR(${VARCHAR_LENGTH[field.name] ?? 255})`,
  int: () => 'INT',
  bigint: () => 'BIGINT',
  double: () => 'DOUBLE',
  boolean: () => 'BOOLEAN',
  timestamp_ms: () => 'BIGINT',
};

function columnDefinition(field: FieldSpec): string {
  const type = SQL_TYPE[field.type](field);
  if (field.name === PRIMARY_KEY) {
    if (field.type !== 'bigint') {
      throw new Error(`moodle_logs field '${PRIMARY_KEY}' must be bigint to be the AUTO_INCREMENT key, not ${field.type}`);
    }
    return `  ${field.name} ${type} NOT NULL AUTO_INCREMENT PRIMARY KEY,`;
  }
  return `  ${field.name} ${type} ${field.optional ? 'NULL' : 'NOT NULL'},`;
}

function tableColumns(): string[] {
  const names = moodleLogsSchema.fields.map((field) => field.name);
  const missing = [PRIMARY_KEY, ...INDEX.columns].filter((name) => !names.includes(name));
  if (missing.length > 0) {
    throw new Error(
      `platform/mariadb-init.ts: moodle_logs schema lacks ${missing.join(', ')} (needed for the primary key or ${INDEX.name}); ` +
        'add them to generators/datasets/moodle_logs.schema.ts or change the table definition here',
    );
  }
  return [...moodleLogsSchema.fields.map(columnDefinition), `  KEY ${INDEX.name} (${INDEX.columns.join(', ')})`];
}

const sqlString = (value: string): string => `'${value.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;

export function mariadbInitSql(options: MariaDbInitOptions): string {
  const database = options.database ?? 'moodle';
  return [
    `CREATE DATABASE IF NOT EXISTS \`${database}\`;`,
    `CREATE TABLE IF NOT EXISTS \`${database}\`.\`${MOODLE_LOG_TABLE}\` (`,
    ...tableColumns(),
    ') ENGINE=InnoDB;',
    // Debezium's snapshot and binlog reading need these; BINLOG MONITOR is MariaDB's name for REPLICATION CLIENT.
    `CREATE USER IF NOT EXISTS ${sqlString(options.cdcUser)}@'%' IDENTIFIED BY ${sqlString(options.cdcPassword)};`,
    `GRANT SELECT, RELOAD, SHOW DATABASES, LOCK TABLES, REPLICATION SLAVE, BINLOG MONITOR ON *.* TO ${sqlString(options.cdcUser)}@'%';`,
    'FLUSH PRIVILEGES;',
    '',
  ].join('\n');
}
