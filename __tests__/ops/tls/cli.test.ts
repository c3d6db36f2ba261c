/** ops/tls/cli.ts: its verbs, environment, output line and exit codes; once as the real command. */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { RUN_TYPESCRIPT } from '../../../lib/run-typescript';
import { readCertificate } from '../../../lib/x509';
import { main } from '../../../ops/tls/cli';
import { callMain } from '../../support/ops-cli';

const ROOT = join(__dirname, '..', '..', '..');
let root: string;
let dir: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'tls-cli-'));
  dir = join(root, 'tls');
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

const certificateHosts = (): readonly string[] => readCertificate(readFileSync(join(dir, 'server.pem'), 'utf8')).hosts;

describe('ops/tls/cli.ts', () => {
  it('ensure, run as the provisioner runs it, writes the files and prints one line of what it did', () => {
    const run = spawnSync(`${RUN_TYPESCRIPT} ops/tls/cli.ts ensure`, {
      cwd: ROOT,
      shell: true,
      encoding: 'utf8',
      env: { ...process.env, LAB_TLS_DIR: dir, LAB_TLS_HOSTS: 'lab.example.org, 192.0.2.10' },
    });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(new RegExp(`^\\[tls\\] ${dir}: created CA valid until \\d{4}-\\d{2}-\\d{2} \\(ca\\.pem is missing\\); issued server certificate valid until \\d{4}-\\d{2}-\\d{2} for hosts lab\\.example\\.org, 192\\.0\\.2\\.10, localhost, 127\\.0\\.0\\.1, ::1, .* \\(the CA is new\\)\\n$`));
    expect(readdirSync(dir).sort()).toEqual(['ca.key', 'ca.pem', 'server.key', 'server.pem']);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
  }, 30_000);

  it('always adds the loopback names and this machine\'s host name to LAB_TLS_HOSTS', async () => {
    const result = await callMain(main, ['ensure'], { LAB_TLS_DIR: dir, LAB_TLS_HOSTS: 'lab.example.org' });
    expect(result.code).toBe(0);
    expect(certificateHosts()).toEqual(expect.arrayContaining(['lab.example.org', 'localhost', '127.0.0.1', '::1', hostname().toLowerCase()]));
  });

  it('a second ensure keeps both and says so', async () => {
    await callMain(main, ['ensure'], { LAB_TLS_DIR: dir });
    const again = await callMain(main, ['ensure'], { LAB_TLS_DIR: dir });
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/^\[tls\] .*: kept CA \(valid until [\d-]+\); kept server certificate \(valid until [\d-]+\) for hosts localhost, 127\.0\.0\.1, ::1/);
  });

  it('remove deletes the files and the directory; a second remove finds nothing', async () => {
    await callMain(main, ['ensure'], { LAB_TLS_DIR: dir });
    const removed = await callMain(main, ['remove'], { LAB_TLS_DIR: dir });
    expect(removed).toEqual({ code: 0, stdout: `[tls] ${dir}: removed ca.pem, ca.key, server.pem, server.key\n`, stderr: '' });
    expect(existsSync(dir)).toBe(false);
    expect((await callMain(main, ['remove'], { LAB_TLS_DIR: dir })).stdout).toBe(`[tls] ${dir}: nothing to remove\n`);
  });

  it('exits 1 naming the variable when LAB_TLS_DIR is unset or LAB_TLS_HOSTS holds a bad entry', async () => {
    const unset = await callMain(main, ['ensure'], {});
    expect(unset.code).toBe(1);
    expect(unset.stderr).toMatch(/^\[tls\] ensure failed: LAB_TLS_DIR is not set: .*\nfix: set it/);
    const bad = await callMain(main, ['ensure'], { LAB_TLS_DIR: dir, LAB_TLS_HOSTS: 'lab.example.org,not a host' });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain("LAB_TLS_HOSTS has an entry a certificate cannot hold:\n  - 'not a host' is neither an IP address nor a DNS name");
    expect(existsSync(dir)).toBe(false);
  });

  it('exits 1 with the path and the fix when LAB_TLS_DIR cannot be a directory', async () => {
    writeFileSync(join(root, 'a-file'), '');
    const result = await callMain(main, ['ensure'], { LAB_TLS_DIR: join(root, 'a-file', 'tls') });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`ENOTDIR: not a directory, mkdir '${join(root, 'a-file', 'tls')}'\nfix: make LAB_TLS_DIR a directory this user can write`);
  });

  it('exits 2 for an unknown verb or extra arguments, 0 for --help', async () => {
    expect((await callMain(main, ['renew'], { LAB_TLS_DIR: dir })).code).toBe(2);
    expect((await callMain(main, ['ensure', 'now'], { LAB_TLS_DIR: dir })).code).toBe(2);
    const help = await callMain(main, ['--help'], {});
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('usage: node --require ./scripts/ts-cache.js ops/tls/cli.ts ensure|remove|--help');
    expect(help.stdout).toMatch(/LAB_TLS_DIR .*\n.*LAB_TLS_HOSTS /s);
  });
});
