import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConnection, createPool, type Pool, type ResultSetHeader, type RowDataPacket } from 'mysql2/promise';
import { mariadbInitSql } from '../../platform/mariadb-init';
import { ensureIntegrationServices, findExecutable } from './paths';
import { freePort, waitUntil } from './ports';
import { removeAtExit, spawnService, tailOfFile } from './service-process';

/** A MariaDB server from Debian on 127.0.0.1, set up as the stack's database: binlog in ROW format, the moodle schema. */
export interface LocalMariaDb {
  readonly host: string;
  readonly port: number;
  readonly database: string;
  /** The application user (the stack's MARIADB_USER): all privileges on `database`. */
  readonly user: string;
  readonly password: string;
  /** mysql://user:password@127.0.0.1:port/database */
  readonly url: string;
  /** The user Debezium reads the binlog as, created by the shared init SQL. */
  readonly cdcUser: string;
  readonly cdcPassword: string;
  readonly socket: string;
  readonly logFile: string;
  /** Runs one statement as the application user; the rows of a SELECT (or [] for other statements). */
  query(sql: string, values?: readonly unknown[]): Promise<Record<string, unknown>[]>;
  /** Runs one data-changing statement as the application user. */
  execute(sql: string, values?: readonly unknown[]): Promise<{ affectedRows: number; insertId: number }>;
  /** Runs SQL (several statements allowed) as root through the mariadb client on the socket, as an init script runs. */
  runAsRoot(sql: string): string;
  /** Clean shutdown: closes the connections, SIGTERM, waits. */
  stop(): Promise<void>;
}

export interface StartMariaDbOptions {
  readonly database?: string;
  readonly user?: string;
  readonly password?: string;
  readonly cdcUser?: string;
  readonly cdcPassword?: string;
  /** Default 60 s. */
  readonly startTimeoutMs?: number;
}

function required(name: string): string {
  const file = findExecutable(name);
  if (file === undefined) throw new Error(`${name} not found in PATH or /usr/sbin: run scripts/setup-integration.sh (installs mariadb-server)`);
  return file;
}

/** Runs SQL through the `mariadb` CLI over the socket as root, the way the image's entrypoint runs /docker-entrypoint-initdb.d. */
function runSqlAsRoot(socket: string, sql: string): string {
  const result = spawnSync(required('mariadb'), ['--no-defaults', `--socket=${socket}`, '--user=root', '--batch'], {
    input: sql,
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (result.status !== 0) {
    throw new Error(`mariadb client (root on ${socket}) failed (${result.status ?? result.signal}): ${result.stderr}\nSQL:\n${sql}`);
  }
  return result.stdout;
}

const sqlString = (value: string): string => `'${value.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;

/**
 * Creates a fresh datadir (mariadb-install-db), starts mariadbd on a free 127.0.0.1 port with the
 * stack's CDC settings, then runs the stack's own init SQL (platform/mariadb-init.ts) and creates the
 * application user as the MariaDB image does for MARIADB_USER/MARIADB_DATABASE.
 */
export async function startMariaDb(options: StartMariaDbOptions = {}): Promise<LocalMariaDb> {
  ensureIntegrationServices();
  const database = options.database ?? 'moodle';
  const user = options.user ?? 'moodle';
  const password = options.password ?? 'moodle-test-password';
  const cdcUser = options.cdcUser ?? 'debezium';
  const cdcPassword = options.cdcPassword ?? 'debezium-test-password';

  const root = mkdtempSync(join(tmpdir(), 'lab-mariadb-'));
  const dataDir = join(root, 'data');
  mkdirSync(dataDir);
  removeAtExit(dataDir);
  const socket = join(root, 'mariadb.sock');
  const logFile = join(root, 'mariadb.log');

  // Root gets mysql_native_password with an empty password on localhost: only the socket reaches it.
  const install = spawnSync(
    required('mariadb-install-db'),
    ['--no-defaults', `--datadir=${dataDir}`, '--user=root', '--auth-root-authentication-method=normal', '--skip-test-db'],
    { encoding: 'utf8', timeout: 120_000 },
  );
  if (install.status !== 0) {
    throw new Error(`mariadb-install-db into ${dataDir} failed (${install.status ?? install.signal}):\n${install.stdout}${install.stderr}`);
  }

  const port = await freePort();
  const server = spawnService({
    name: 'MariaDB',
    command: required('mariadbd'),
    args: [
      '--no-defaults',
      `--datadir=${dataDir}`,
      `--socket=${socket}`,
      `--pid-file=${join(root, 'mariadb.pid')}`,
      `--tmpdir=${root}`,
      `--port=${port}`,
      '--bind-address=127.0.0.1',
      '--skip-name-resolve',
      // Tests run as root; mariadbd refuses root unless told to.
      '--user=root',
      // The stack's CDC settings (platform/mariadb.ts).
      `--log-bin=${join(dataDir, 'mariadb-bin')}`,
      '--binlog-format=ROW',
      '--binlog-row-image=FULL',
      '--server-id=1',
      '--innodb-buffer-pool-size=64M',
    ],
    logFile,
  });

  const abort = (): string | undefined => {
    const reason = server.exitReason();
    return reason === undefined ? undefined : `mariadbd ${reason} before it accepted connections`;
  };
  try {
    await waitUntil(
      async () => {
        const connection = await createConnection({ socketPath: socket, user: 'root', connectTimeout: 2_000 });
        await connection.end();
        return true;
      },
      { what: `MariaDB on 127.0.0.1:${port}`, timeoutMs: options.startTimeoutMs ?? 60_000, abort, describe: () => tailOfFile(logFile) },
    );
    runSqlAsRoot(
      socket,
      [
        // mariadb-install-db leaves anonymous accounts and password-less root over TCP; the image has
        // neither. Root keeps only localhost, which here means the socket.
        "DELETE FROM mysql.global_priv WHERE User = '' OR (User = 'root' AND Host <> 'localhost');",
        'FLUSH PRIVILEGES;',
        mariadbInitSql({ cdcUser, cdcPassword, database }),
        `CREATE USER IF NOT EXISTS ${sqlString(user)}@'%' IDENTIFIED BY ${sqlString(password)};`,
        `GRANT ALL ON \`${database}\`.* TO ${sqlString(user)}@'%';`,
        'FLUSH PRIVILEGES;',
      ].join('\n'),
    );
  } catch (error) {
    await server.kill();
    throw error;
  }

  const pool: Pool = createPool({ host: '127.0.0.1', port, user, password, database, connectionLimit: 4 });
  let stopped = false;
  return {
    host: '127.0.0.1',
    port,
    database,
    user,
    password,
    url: `mysql://${encodeURIComponent(user)}:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`,
    cdcUser,
    cdcPassword,
    socket,
    logFile,
    async query(sql, values) {
      const [rows] = await pool.query<RowDataPacket[]>(sql, [...(values ?? [])]);
      return Array.isArray(rows) ? rows.map((row) => ({ ...row })) : [];
    },
    async execute(sql, values) {
      const [result] = await pool.query<ResultSetHeader>(sql, [...(values ?? [])]);
      return { affectedRows: result.affectedRows, insertId: Number(result.insertId) };
    },
    runAsRoot: (sql) => runSqlAsRoot(socket, sql),
    async stop() {
      if (!stopped) {
        stopped = true;
        await pool.end();
      }
      await server.stop();
    },
  };
}
