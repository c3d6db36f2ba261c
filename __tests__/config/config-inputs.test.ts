import { execFile, execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../config/load';
import { MAX_CONFIG_INPUT_BYTES } from '../../config/regular-file';
import { ConfigError } from '../../config/validate';
import { PROJECT_ROOT } from '../../lib/project-root';

/**
 * The files the configuration reads (LAB_CONFIG, ./lab.config.json, LAB_KAFKA_CA_CERT) when they
 * are no regular file, too big, dangling symlinks, or hold a key twice: each is a ConfigError that
 * names the path or key, never a hang, a memory blow-up, a stack trace or a silent default.
 */

const emptyDir = (): string => mkdtempSync(join(tmpdir(), 'lab-config-inputs-'));

const EXTERNAL_TLS = { LAB_KAFKA_MODE: 'external', LAB_KAFKA_BOOTSTRAP_SERVERS: 'b1:9093', LAB_KAFKA_SECURITY_PROTOCOL: 'SASL_SSL', LAB_KAFKA_SASL_MECHANISM: 'PLAIN' };

function loadError(env: NodeJS.ProcessEnv, cwd: string): ConfigError {
  try {
    loadConfig(env, cwd, () => undefined);
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  throw new Error('expected a ConfigError');
}

interface ChildResult {
  readonly code: number | null;
  readonly stderr: string;
  readonly killed: boolean;
}

/**
 * Loads the configuration in a child process, killed after `timeoutMs`: a read that blocks (a FIFO
 * without a writer) blocks the whole process, which would otherwise hang this test run instead of
 * failing it; a read of /dev/zero grows until the address-space limit (ulimit -v, 2.5 GB) that
 * the child is given, so that it cannot take the machine's memory with it.
 */
function loadInChild(env: NodeJS.ProcessEnv, cwd: string, timeoutMs = 60_000): Promise<ChildResult> {
  const script = `
    const { loadConfig } = require(${JSON.stringify(join(PROJECT_ROOT, 'config/load'))});
    try { loadConfig(process.env, process.cwd(), () => undefined); console.log('loaded'); }
    catch (e) { process.stderr.write(e.name + ': ' + e.message + '\\n'); process.exit(3); }`;
  return new Promise((resolve) => {
    execFile(
      '/bin/sh',
      ['-c', 'ulimit -v 2500000 && exec "$@"', 'sh', process.execPath, '-r', join(PROJECT_ROOT, 'node_modules/ts-node/register/transpile-only'), '-e', script],
      { cwd, env: { PATH: process.env.PATH, TS_NODE_PROJECT: join(PROJECT_ROOT, 'tsconfig.json'), ...env }, timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: 1024 * 1024 },
      (error, _stdout, stderr) => resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : null, stderr, killed: error?.killed === true }),
    );
  });
}

describe('a config input that is not a regular file', () => {
  const dir = emptyDir();
  const fifo = join(dir, 'pipe.json');
  execFileSync('mkfifo', [fifo]);
  const defaultFifoDir = emptyDir();
  execFileSync('mkfifo', [join(defaultFifoDir, 'lab.config.json')]);

  it.each([
    ['LAB_CONFIG at a FIFO', { LAB_CONFIG: fifo }, dir, `file ${fifo}: '${fifo}' is a FIFO (named pipe), not a regular file; set LAB_CONFIG to a readable JSON file, or unset it`],
    ['lab.config.json as a FIFO', {}, defaultFifoDir, `file lab.config.json: '${join(defaultFifoDir, 'lab.config.json')}' is a FIFO (named pipe), not a regular file; make lab.config.json a readable JSON file, or remove it to use the defaults`],
    ['LAB_KAFKA_CA_CERT at a FIFO', { ...EXTERNAL_TLS, LAB_KAFKA_CA_CERT: fifo }, dir, `kafka.external.caCert (from env LAB_KAFKA_CA_CERT): got '${fifo}'; allowed: a PEM file path`],
    ['LAB_CONFIG at /dev/zero', { LAB_CONFIG: '/dev/zero' }, dir, "file /dev/zero: '/dev/zero' is a character device, not a regular file"],
    ['LAB_KAFKA_CA_CERT at /dev/zero', { ...EXTERNAL_TLS, LAB_KAFKA_CA_CERT: '/dev/zero' }, dir, '(/dev/zero is a character device, not a regular file)'],
  ])('%s fails synth at once with a ConfigError naming the path', async (_what, env, cwd, message) => {
    const result = await loadInChild(env, cwd);
    expect(result.killed).toBe(false);
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('ConfigError: Invalid lab configuration (1 problem):');
    expect(result.stderr).toContain(message);
  }, 70_000);

  it('a directory as the CA certificate is a ConfigError, not EISDIR', () => {
    const cwd = emptyDir();
    mkdirSync(join(cwd, 'certs'));
    expect(loadError({ ...EXTERNAL_TLS, LAB_KAFKA_CA_CERT: 'certs' }, cwd).problems).toEqual([
      `kafka.external.caCert (from env LAB_KAFKA_CA_CERT): got 'certs'; allowed: a PEM file path, or the PEM text itself, holding one or more "-----BEGIN CERTIFICATE-----" blocks (${join(cwd, 'certs')} is a directory, not a regular file)`,
    ]);
  });

  it('a directory as LAB_CONFIG is a ConfigError naming it', () => {
    const cwd = emptyDir();
    expect(loadError({ LAB_CONFIG: '.' }, cwd).problems).toEqual([`file .: '${cwd}' is a directory, not a regular file; set LAB_CONFIG to a readable JSON file, or unset it`]);
  });
});

describe('a config input that is too big', () => {
  it('is refused without reading it, naming the size and the limit', () => {
    const cwd = emptyDir();
    writeFileSync(join(cwd, 'lab.config.json'), `{}${' '.repeat(MAX_CONFIG_INPUT_BYTES)}`);
    expect(loadError({}, cwd).problems).toEqual([
      `file lab.config.json: '${join(cwd, 'lab.config.json')}' is ${MAX_CONFIG_INPUT_BYTES + 2} bytes; at most ${MAX_CONFIG_INPUT_BYTES} bytes are read; make lab.config.json a readable JSON file, or remove it to use the defaults`,
    ]);
  });

  it('a CA bundle up to the limit is read', () => {
    const cwd = emptyDir();
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '1', '-subj', '/CN=inputs-test-ca'], { cwd, stdio: 'ignore' });
    const pem = readFileSync(join(cwd, 'ca.pem'), 'utf8');
    writeFileSync(join(cwd, 'bundle.pem'), `${pem}${'#'.repeat(MAX_CONFIG_INPUT_BYTES - pem.length)}`);
    expect(loadConfig({ ...EXTERNAL_TLS, LAB_KAFKA_CA_CERT: 'bundle.pem' }, cwd).kafka.external?.caCert).toBe(pem);
  });
});

describe('a lab.config.json symlink that leads nowhere', () => {
  it('dangling: an error naming the file, not the defaults', () => {
    const cwd = emptyDir();
    symlinkSync(join(cwd, 'moved-away.json'), join(cwd, 'lab.config.json'));
    expect(loadError({}, cwd).problems).toEqual([
      `file lab.config.json: '${join(cwd, 'lab.config.json')}' does not exist (or is a symbolic link to nothing) (ENOENT); make lab.config.json a readable JSON file, or remove it to use the defaults`,
    ]);
  });

  it('looping: an error naming the file, not the defaults', () => {
    const cwd = emptyDir();
    symlinkSync(join(cwd, 'lab.config.json'), join(cwd, 'lab.config.json'));
    expect(loadError({}, cwd).problems).toEqual([
      `file lab.config.json: '${join(cwd, 'lab.config.json')}' is a symbolic link that loops (ELOOP); make lab.config.json a readable JSON file, or remove it to use the defaults`,
    ]);
  });

  it('a symlink to a real file is followed', () => {
    const cwd = emptyDir();
    writeFileSync(join(cwd, 'mine.json'), '{ "project": "linked" }');
    symlinkSync(join(cwd, 'mine.json'), join(cwd, 'lab.config.json'));
    expect(loadConfig({}, cwd).project).toBe('linked');
  });
});

describe('a config file with a key given twice', () => {
  const withFile = (text: string): string => {
    const cwd = emptyDir();
    writeFileSync(join(cwd, 'lab.config.json'), text);
    return cwd;
  };

  it('is refused, naming the key and both lines', () => {
    const cwd = withFile('{\n  "bindAddress": "127.0.0.1",\n  "pipelines": ["shop"],\n  "bindAddress": "0.0.0.0"\n}\n');
    expect(loadError({}, cwd).problems).toEqual([
      'bindAddress (from file lab.config.json): set twice, on lines 2 and 4; JSON readers disagree on which one counts (this one would take the last), so keep exactly one',
    ]);
  });

  it('names a nested key by its full path, and sees through escapes', () => {
    const cwd = withFile('{ "kafka": { "external": { "caCert": "a.pem", "ca\\u0043ert": "b.pem" } } }');
    expect(loadError({}, cwd).problems[0]).toMatch(/^kafka\.external\.caCert \(from file lab\.config\.json\): set twice, on lines 1 and 1;/);
  });

  it('the same key in different objects, or as a value, is no duplicate', () => {
    const cwd = withFile('{ "ports": { "grafana": 3300 }, "memoryMb": { "grafana": 256 }, "project": "ports" }');
    const config = loadConfig({}, cwd);
    expect([config.ports.grafana, config.memoryMb.grafana, config.project]).toEqual([3300, 256, 'ports']);
  });
});
