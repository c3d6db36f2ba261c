/**
 * lab-local/mariadb:10.11.19 (scripts/local-images/platform-images.sh) run as the stack runs the
 * mariadb service: its environment, its server options as the command, its init SQL in
 * /docker-entrypoint-initdb.d and its memory limit. The stack's health check must pass inside the
 * container, and the database must serve what the moodle pipeline needs: the log table, the app
 * user's inserts, and a CDC user that can read them back from the ROW binlog.
 */
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import mysql from 'mysql2/promise';
import { CDC_USER, MOODLE_DATABASE, APP_USER } from '../../platform/mariadb';
import { MOODLE_LOG_TABLE } from '../../platform/mariadb-init';
import {
  buildPlatformImages, docker, envArgs, LOCAL_IMAGES, publishedAddress, removeQuietly, runHealthCheck, serviceSpec,
  synthWithLocalImages, waitHealthy, type ServiceSpec,
} from './support';

// The stack generates letters and digits only (stacks/analytics-stack.ts: special: false), and
// Terraform interpolates them raw into the init SQL.
const SECRETS = {
  'mariadb-root-password': 'RootPw1test',
  'mariadb-app-password': 'AppPw2test',
  'mariadb-cdc-password': 'CdcPw3test',
};
const NAME = `lab-it-mariadb-${process.pid}`;

async function connect(address: string, user: string, password: string): Promise<mysql.Connection> {
  const [host, port] = address.split(':');
  return mysql.createConnection({ host, port: Number(port), user, password, database: MOODLE_DATABASE });
}

describe('lab-local/mariadb under the stack', () => {
  let spec: ServiceSpec;
  let address: string;

  beforeAll(async () => {
    await buildPlatformImages('mariadb');
    spec = serviceSpec(synthWithLocalImages({ pipelines: ['moodle'] }), 'mariadb', SECRETS);
    // The stack uploads the init SQL into the container; a bind mount of the same file does the same.
    const initDir = mkdtempSync(join(tmpdir(), 'lab-mariadb-init-'));
    chmodSync(initDir, 0o755);
    for (const upload of spec.uploads) {
      expect(dirname(upload.file)).toBe('/docker-entrypoint-initdb.d');
      writeFileSync(join(initDir, basename(upload.file)), upload.content, { mode: 0o644 });
    }
    expect(spec.uploads.length).toBeGreaterThan(0);
    docker('run', '-d', '--name', NAME, '-p', '127.0.0.1::3306', ...(spec.memoryMb ? ['--memory', `${spec.memoryMb}m`] : []),
      '-v', `${initDir}:/docker-entrypoint-initdb.d:ro`, ...envArgs(spec.env), LOCAL_IMAGES.mariadb, ...(spec.command ?? []));
    await waitHealthy(NAME, spec.healthcheck, 180_000);
    address = publishedAddress(NAME, 3306);
  }, 1_800_000);

  afterAll(() => removeQuietly('container', NAME));

  it("passes the stack's health check, and the server runs as mysql with the stack's binlog options", () => {
    expect(spec.healthcheck).toEqual(['CMD', 'healthcheck.sh', '--connect', '--innodb_initialized']);
    expect(() => runHealthCheck(NAME, spec.healthcheck)).not.toThrow();
    // PID 1 is the server itself (the entrypoint execs it), as the mysql user.
    expect(docker('exec', NAME, 'stat', '-c', '%U', '/proc/1')).toBe('mysql');
    expect(docker('exec', NAME, 'cat', '/proc/1/cmdline').split('\0').filter(Boolean)).toEqual(['mariadbd', ...(spec.command ?? [])]);
  });

  it('ran the init SQL once: the log table exists and the app user inserts into it', async () => {
    const app = await connect(address, APP_USER, SECRETS['mariadb-app-password']);
    try {
      const [tables] = await app.query('SHOW TABLES');
      expect(JSON.stringify(tables)).toContain(MOODLE_LOG_TABLE);
      const [columns] = (await app.query(`SHOW COLUMNS FROM \`${MOODLE_LOG_TABLE}\``)) as unknown as [Array<{ Field: string }>];
      const values = columns.filter((c) => c.Field !== 'id').map(() => '0');
      await app.query(`INSERT INTO \`${MOODLE_LOG_TABLE}\` (${columns.filter((c) => c.Field !== 'id').map((c) => `\`${c.Field}\``).join(', ')}) VALUES (${values.join(', ')})`);
    } finally {
      await app.end();
    }
  });

  it('the CDC user reads the insert back from the ROW binlog, and root signs in with the password', async () => {
    const cdc = await connect(address, CDC_USER, SECRETS['mariadb-cdc-password']);
    try {
      const [status] = (await cdc.query('SHOW MASTER STATUS')) as unknown as [Array<{ File: string }>];
      expect(status[0].File).toMatch(/^mariadb-bin\.\d+$/);
      const [format] = (await cdc.query("SELECT @@binlog_format AS f, @@binlog_row_image AS i")) as unknown as [Array<{ f: string; i: string }>];
      expect(format[0]).toEqual({ f: 'ROW', i: 'FULL' });
      const [events] = (await cdc.query(`SHOW BINLOG EVENTS IN '${status[0].File}'`)) as unknown as [Array<{ Event_type: string; Info: string }>];
      expect(events.some((e) => e.Event_type === 'Table_map' && e.Info.includes(MOODLE_LOG_TABLE))).toBe(true);
      expect(events.some((e) => e.Event_type.startsWith('Write_rows'))).toBe(true);
    } finally {
      await cdc.end();
    }
    const root = await connect(address, 'root', SECRETS['mariadb-root-password']);
    await root.end();
    await expect(connect(address, 'root', 'wrong')).rejects.toThrow(/Access denied/);
  });

  it('refuses to initialize without a root password, naming the variable to set', () => {
    const name = `${NAME}-nopw`;
    try {
      const output = (() => {
        try {
          return docker('run', '--name', name, LOCAL_IMAGES.mariadb, ...(spec.command ?? []));
        } catch (e) {
          return (e as Error).message;
        }
      })();
      expect(output).toContain('MARIADB_ROOT_PASSWORD');
      expect(docker('inspect', '--format', '{{.State.ExitCode}}', name)).not.toBe('0');
    } finally {
      removeQuietly('container', name);
    }
  });
});
