/**
 * The ops CLIs exactly as the RestObject provisioners run them (opsCommand, OBJECT_ENDPOINT,
 * OBJECT_SPEC), against the fakes of fake-connect.ts and fake-elasticsearch.ts.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { opsCommand } from '../../constructs/rest-object';
import { closedPortUrl } from '../support/closed-port';
import { FakeConnect, withState } from './fake-connect';
import { FakeElasticsearch } from './fake-elasticsearch';

const ROOT = join(__dirname, '..', '..');

function run(command: string, env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, { cwd: ROOT, shell: true, env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const CONNECTOR = { name: 'moodle-cdc', config: { 'connector.class': 'io.debezium.connector.mariadb.MariaDbConnector', 'tasks.max': '1' } };

describe('ops/connect/cli.ts', () => {
  let fake: FakeConnect;
  let url: string;
  beforeEach(async () => {
    fake = new FakeConnect();
    url = await fake.start();
  });
  afterEach(() => fake.stop());

  it('apply creates the connector from OBJECT_SPEC and exits 0; delete removes it', async () => {
    const env = { OBJECT_ENDPOINT: `${url}/`, OBJECT_SPEC: JSON.stringify(CONNECTOR) };
    const applied = await run(opsCommand('connect', 'apply'), env);
    expect(applied.stderr).toBe('');
    expect(applied.code).toBe(0);
    expect(applied.stdout).toContain('connector "moodle-cdc" created');
    expect(fake.connectors.get('moodle-cdc')?.config).toEqual({ ...CONNECTOR.config, name: 'moodle-cdc' });

    const deleted = await run(opsCommand('connect', 'delete'), env);
    expect(deleted.code).toBe(0);
    expect(fake.connectors.has('moodle-cdc')).toBe(false);
  }, 30_000);

  it('exits 1 and prints the trace of a FAILED task', async () => {
    fake.statusesOnCreate = (name) => [withState(name, 'RUNNING', [{ id: 0, state: 'FAILED', worker_id: 'connect:8083', trace: 'java.sql.SQLException: Access denied for user debezium' }])];
    const result = await run(opsCommand('connect', 'apply'), { OBJECT_ENDPOINT: url, OBJECT_SPEC: JSON.stringify(CONNECTOR) });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('connect apply failed: connector "moodle-cdc" has 1 FAILED task(s)');
    expect(result.stderr).toContain('java.sql.SQLException: Access denied for user debezium');
  }, 30_000);

  it('exits 1 naming the problem when OBJECT_SPEC is not a connector', async () => {
    const result = await run(opsCommand('connect', 'apply'), { OBJECT_ENDPOINT: url, OBJECT_SPEC: '{"name":"x"}' });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('connector "x": spec has no config object');
  }, 30_000);
});

describe('ops/elasticsearch/cli.ts', () => {
  it('apply puts the template; delete removes it', async () => {
    const fake = new FakeElasticsearch();
    const url = await fake.start();
    try {
      const spec = { name: 'pipeline-moodle', body: { index_patterns: ['user_sessions'], template: {} } };
      const env = { OBJECT_ENDPOINT: url, OBJECT_SPEC: JSON.stringify(spec) };
      const applied = await run(opsCommand('elasticsearch', 'apply'), env);
      expect(applied.code).toBe(0);
      expect(fake.templates.get('pipeline-moodle')).toEqual(spec.body);
      const deleted = await run(opsCommand('elasticsearch', 'delete'), env);
      expect(deleted.code).toBe(0);
      expect(fake.templates.size).toBe(0);
    } finally {
      await fake.stop();
    }
  }, 30_000);
});

describe('delete when the service is already gone (destroy must not stop half way)', () => {
  it.each([
    ['connect', JSON.stringify(CONNECTOR), 'connect: connector "moodle-cdc": nothing answers at'],
    ['elasticsearch', JSON.stringify({ name: 'pipeline-moodle', body: { index_patterns: ['x'], template: {} } }), 'elasticsearch: index template "pipeline-moodle": nothing answers at'],
  ] as const)('%s delete exits 0 and says there is nothing to delete', async (tool, spec, message) => {
    const result = await run(opsCommand(tool, 'delete'), { OBJECT_ENDPOINT: await closedPortUrl(), OBJECT_SPEC: spec });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(message);
  }, 30_000);
});
