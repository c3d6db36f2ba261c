/**
 * Every bash script of the project parses (`bash -n`): setup scripts, image builds and the
 * entrypoints baked into local images, where a quoting slip only shows when a container exits at
 * start (an apostrophe inside "${VAR:-...}" once did).
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

const ROOT = resolve(__dirname, '../..');

function bashScripts(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return bashScripts(path);
    const head = readFileSync(path, 'utf8').slice(0, 40);
    return name.endsWith('.sh') || /^#!\s*\/(usr\/bin\/env bash|bin\/bash)/.test(head) ? [path] : [];
  });
}

const scripts = [...bashScripts(join(ROOT, 'scripts')), join(ROOT, '.ci', 'run')].map((p) => relative(ROOT, p));

it('finds the scripts', () => {
  expect(scripts).toEqual(expect.arrayContaining(['.ci/run', 'scripts/setup-docker.sh', 'scripts/local-images/schema-registry/docker/run']));
});

it.each(scripts)('%s parses', (script) => {
  const r = spawnSync('bash', ['-n', script], { cwd: ROOT, encoding: 'utf8' });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
});
