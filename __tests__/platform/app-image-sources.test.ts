/**
 * The app image (Dockerfile) compiles generators/ and payments/ from a build context that
 * .dockerignore cuts down to what tsconfig.build.json includes. A source there that imports a file
 * outside that context builds everywhere but in the image: the deploy then fails at `docker build`
 * ("Cannot find module"). This follows every relative import from the image's sources.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const ROOT = resolve(__dirname, '../..');

/** The .dockerignore of this project: `*`, then `!path` allowances, then exclusions. */
function inBuildContext(file: string): boolean {
  const lines = readFileSync(join(ROOT, '.dockerignore'), 'utf8').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  let included = false;
  for (const line of lines) {
    const negated = line.startsWith('!');
    const pattern = negated ? line.slice(1) : line;
    let matches: boolean;
    if (pattern === '*') matches = true;
    else if (pattern.startsWith('**/') && pattern.endsWith('/')) matches = file.split('/').slice(0, -1).includes(pattern.slice(3, -1));
    else if (pattern.startsWith('**/*')) matches = file.endsWith(pattern.slice(4));
    else if (pattern.endsWith('/')) matches = file.startsWith(pattern);
    else matches = file === pattern;
    if (matches) included = negated;
  }
  return included;
}

function buildIncludes(): string[] {
  return (JSON.parse(readFileSync(join(ROOT, 'tsconfig.build.json'), 'utf8')) as { include: string[] }).include;
}

function includedByBuild(file: string): boolean {
  return buildIncludes().some((glob) => (glob.endsWith('/**/*.ts') ? file.startsWith(glob.slice(0, -'**/*.ts'.length)) && file.endsWith('.ts') : file === glob));
}

function sourcesUnder(dir: string): string[] {
  return readdirSync(join(ROOT, dir)).flatMap((name) => {
    const path = `${dir}/${name}`;
    if (statSync(join(ROOT, path)).isDirectory()) return name === '__tests__' ? [] : sourcesUnder(path);
    return name.endsWith('.ts') && !name.endsWith('.test.ts') ? [path] : [];
  });
}

function relativeImports(file: string): string[] {
  const text = readFileSync(join(ROOT, file), 'utf8');
  return [...text.matchAll(/(?:from|import\()\s*'(\.{1,2}\/[^']+)'/g)].map((m) => {
    const target = relative(ROOT, resolve(ROOT, dirname(file), m[1]));
    return existsSync(join(ROOT, `${target}.ts`)) ? `${target}.ts` : `${target}/index.ts`;
  });
}

it('every file the image sources import, transitively, is in its build context and compiled by tsconfig.build.json', () => {
  const roots = buildIncludes().flatMap((glob) => (glob.endsWith('/**/*.ts') ? sourcesUnder(glob.slice(0, -'/**/*.ts'.length)) : [glob]));
  expect(roots.length).toBeGreaterThan(10);
  const seen = new Set<string>();
  const outside: string[] = [];
  const visit = (file: string, from: string): void => {
    if (seen.has(file)) return;
    seen.add(file);
    if (!inBuildContext(file) || !includedByBuild(file)) outside.push(`${file} (imported by ${from})`);
    for (const target of relativeImports(file)) visit(target, file);
  };
  for (const root of roots) visit(root, 'tsconfig.build.json');
  expect(outside).toEqual([]);
});

it('reads .dockerignore as Docker does for this file', () => {
  expect(inBuildContext('generators/cli.ts')).toBe(true);
  expect(inBuildContext('generators/__tests__/x.ts')).toBe(false);
  expect(inBuildContext('payments/server.test.ts')).toBe(false);
  expect(inBuildContext('stacks/app.ts')).toBe(false);
});
