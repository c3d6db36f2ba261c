import type { Pool, PoolOptions } from 'mysql2/promise';
import type { OutMessage } from '../runtime/message';
import type { DatasetSchema } from '../schema';
import { sleep } from '../runtime/sleep';
import { DeliveryError, describeError, type Sink } from './sink';

/**
 * Connection settings from a URL, mysql://user:password@host:3306/database. The password must be
 * URL-encoded; in containers it comes from the environment (MOODLE_DB_URL), never an argument.
 */
export function parseDatabaseUrl(url: string): PoolOptions {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error('database URL is not a URL; expected mysql://user:password@host:3306/database (URL-encode special characters in the password)');
  }
  if (parsed.protocol !== 'mysql:' && parsed.protocol !== 'mariadb:') {
    throw new Error(`database URL scheme '${parsed.protocol.replace(/:$/, '')}' is not supported; allowed: mysql, mariadb (mysql://user:password@host:3306/database)`);
  }
  const database = decodeURIComponent(parsed.pathname.replace(/^\//, ''));
  if (!database) throw new Error('database URL names no database; expected mysql://user:password@host:3306/database');
  if (!parsed.username) throw new Error('database URL names no user; expected mysql://user:password@host:3306/database');
  return {
    host: parsed.hostname,
    port: parsed.port ? Number(parsed.port) : 3306,
    user: decodeURIComponent(parsed.username),
    password: decodeURIComponent(parsed.password),
    database,
  };
}

/** Errors raised before the statement reached the server: retrying cannot insert a row twice. */
const NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ER_CON_COUNT_ERROR', 'ER_SERVER_SHUTDOWN']);

/**
 * Inserts each batch as one multi-row INSERT (autocommit: the batch commits as a whole). The
 * database assigns the auto-increment `id`, so the columns are the schema's fields without it.
 */
export class DatabaseSink implements Sink {
  private readonly columns: readonly string[];
  private readonly table: string;

  constructor(
    private readonly pool: Pool,
    schema: DatasetSchema,
    private readonly deliveryTimeoutMs: number,
    generatedColumn = 'id',
  ) {
    if (schema.sink.kind !== 'database') throw new Error(`dataset ${schema.name} does not write to a database`);
    this.table = schema.sink.table;
    this.columns = schema.fields.map((field) => field.name).filter((name) => name !== generatedColumn);
  }

  async open(): Promise<void> {}

  async send(messages: readonly OutMessage[]): Promise<void> {
    const rows = messages.map((message) => this.columns.map((column) => message.record[column]));
    const sql = `INSERT INTO \`${this.table}\` (${this.columns.map((column) => `\`${column}\``).join(', ')}) VALUES ?`;
    const deadline = Date.now() + this.deliveryTimeoutMs;
    for (let attempt = 1; ; attempt++) {
      try {
        await this.pool.query(sql, [rows]);
        return;
      } catch (error) {
        const code = (error as { code?: string }).code ?? '';
        if (NOT_SENT.has(code) && Date.now() + 1000 < deadline) {
          await sleep(Math.min(5000, 250 * 2 ** Math.min(attempt, 5)));
          continue;
        }
        throw new DeliveryError(`${messages.length} rows not inserted into ${this.table}: ${code ? `${code} ` : ''}${describeError(error)}`, messages.length, { cause: error });
      }
    }
  }

  async close(): Promise<void> {}
}
