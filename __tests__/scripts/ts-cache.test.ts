/**
 * scripts/ts-cache.js, the require hook cdktf.json's app runs under: each test starts real Node
 * processes with the hook, on .ts files in a temporary folder and a cache folder of its own
 * (LAB_TS_CACHE_DIR), as `cdktf synth` and the appliers do.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const HOOK = resolve(__dirname, '../../scripts/ts-cache.js');

let dir: string;
let cacheDir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ts-cache-test-'));
  cacheDir = join(dir, 'cache');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

function run(file: string, env: NodeJS.ProcessEnv = {}): Run {
  const r = spawnSync(process.execPath, ['--require', HOOK, file], {
    cwd: dir,
    env: { ...process.env, LAB_TS_CACHE_DIR: cacheDir, ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const cached = (): string[] => readdirSync(cacheDir).sort();

describe('ts-cache require hook', () => {
  it('runs TypeScript, with imports, __dirname the source folder and tsconfig options (esModuleInterop)', () => {
    writeFileSync(join(dir, 'data.sql'), 'SELECT 1;\n');
    writeFileSync(join(dir, 'helper.ts'), 'export const twice = (n: number): number => n * 2;\n');
    writeFileSync(
      join(dir, 'main.ts'),
      [
        "import path from 'node:path';",
        "import { readFileSync } from 'node:fs';",
        "import { twice } from './helper';",
        'interface Shown { value: number }',
        'const shown: Shown = { value: twice(21) };',
        "console.log(shown.value, readFileSync(path.join(__dirname, 'data.sql'), 'utf8').trim());",
      ].join('\n'),
    );
    const r = run('main.ts');
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('42 SELECT 1;\n');
    expect(cached()).toHaveLength(2);
  });

  it('serves an unchanged file from the cache without loading TypeScript, and recompiles a changed one', () => {
    const file = join(dir, 'main.ts');
    const probe = "console.log(Object.keys(require.cache).some((f) => /[\\\\/]node_modules[\\\\/]typescript[\\\\/]/.test(f)) ? 'compiler loaded' : 'no compiler');";
    writeFileSync(file, `const v: number = 1;\nconsole.log(v);\n${probe}\n`);
    expect(run('main.ts').stdout).toBe('1\ncompiler loaded\n');
    expect(run('main.ts').stdout).toBe('1\nno compiler\n');
    expect(cached()).toHaveLength(1);

    // The key is the content: a changed file is transpiled again, never served stale.
    writeFileSync(file, `const v: number = 2;\nconsole.log(v);\n${probe}\n`);
    expect(run('main.ts').stdout).toBe('2\ncompiler loaded\n');
    expect(cached()).toHaveLength(2);
  });

  it('maps stack frames back to .ts lines', () => {
    writeFileSync(
      join(dir, 'main.ts'),
      ['interface Unused { a: string }', 'type Alias = number;', '', 'function boom(n: Alias): never {', "  throw new Error('boom ' + n);", '}', 'boom(1);', ''].join('\n'),
    );
    const r = run('main.ts');
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain(`at boom (${join(dir, 'main.ts')}:5:9)`);
    expect(r.stderr).toContain(`(${join(dir, 'main.ts')}:7:1)`);
  });

  it('names the file, line and column of a syntax error, and caches nothing for it', () => {
    writeFileSync(join(dir, 'main.ts'), "import './broken';\n");
    writeFileSync(join(dir, 'broken.ts'), 'const ok = 1;\nconst bad: number = (1 + ;\n');
    const r = run('main.ts');
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/TypeScript cannot transpile .*broken\.ts/);
    expect(r.stderr).toMatch(/broken\.ts\(2,\d+\): error TS\d+/);
    expect(cached()).toHaveLength(1); // main.ts only
  });

  it('keeps every cached file whole when ten processes transpile the same files at once', async () => {
    // Enough source that a torn write would show: 200 exported functions.
    const lines = Array.from({ length: 200 }, (_, i) => `export function f${i}(x: number): number { return x + ${i}; }`);
    writeFileSync(join(dir, 'big.ts'), `${lines.join('\n')}\n`);
    writeFileSync(join(dir, 'main.ts'), "import { f199 } from './big';\nconsole.log(f199(1));\n");
    const exits = await Promise.all(
      Array.from(
        { length: 10 },
        () =>
          new Promise<{ code: number | null; out: string }>((done) => {
            const child = spawn(process.execPath, ['--require', HOOK, 'main.ts'], { cwd: dir, env: { ...process.env, LAB_TS_CACHE_DIR: cacheDir } });
            let out = '';
            child.stdout.on('data', (b: Buffer) => (out += b.toString()));
            child.stderr.on('data', (b: Buffer) => (out += b.toString()));
            child.on('close', (code) => done({ code, out }));
          }),
      ),
    );
    expect(exits).toEqual(Array.from({ length: 10 }, () => ({ code: 0, out: '200\n' })));
    // Two entries, no temporary file left, and each is exactly what a single transpile gives.
    const entries = cached();
    expect(entries).toHaveLength(2);
    const contents = entries.map((e) => readFileSync(join(cacheDir, e), 'utf8'));
    rmSync(cacheDir, { recursive: true });
    expect(run('main.ts').stdout).toBe('200\n');
    expect(cached()).toEqual(entries);
    expect(cached().map((e) => readFileSync(join(cacheDir, e), 'utf8'))).toEqual(contents);
  }, 120_000);

  it('still runs when the cache folder cannot be written', () => {
    writeFileSync(join(dir, 'main.ts'), 'const v: string = "ran";\nconsole.log(v);\n');
    writeFileSync(join(dir, 'not-a-folder'), '');
    const r = run('main.ts', { LAB_TS_CACHE_DIR: join(dir, 'not-a-folder', 'cache') });
    expect(r).toEqual({ status: 0, stdout: 'ran\n', stderr: '' });
  });
});
