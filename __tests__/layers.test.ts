/**
 * The layering of README's "Layout", enforced: every relative import of every .ts file runs to its
 * own layer or a lower one. Imports are read with TypeScript's own scanner (ts.preProcessFile:
 * import, export ... from, import(), require()), so a string or a comment that looks like an
 * import is no import here.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import * as ts from 'typescript';
import { PROJECT_ROOT } from '../lib/project-root';

interface Layer {
  readonly name: string;
  /** Folders (ending in '/') and single files, from the project root. */
  readonly paths: readonly string[];
}

/** Lowest first: a file may import its own layer and those before it. README's "Layout" says the same. */
const LAYERS: readonly Layer[] = [
  { name: 'shared rules and helpers', paths: ['lib/', 'providers/'] },
  { name: 'datasets and the programs the lab runs', paths: ['generators/', 'payments/'] },
  { name: 'ksqlDB language', paths: ['ksql-language/'] },
  { name: 'deploy-time appliers', paths: ['ops/'] },
  { name: 'pipeline declarations, their payloads and dashboards', paths: ['pipelines/', 'payloads/', 'dashboards/'] },
  { name: 'configuration', paths: ['config/'] },
  { name: 'constructs and platform services', paths: ['constructs/', 'platform/'] },
  { name: 'stacks', paths: ['stacks/'] },
  { name: 'the app', paths: ['main.ts'] },
  { name: 'stand-ins and statement tests', paths: ['standins/', 'tools/', 'ksql/tests/'] },
  { name: 'tests, rehearsal, benchmarks and scripts', paths: ['__tests__/', 'integration/', 'e2e/', 'bench/', 'scripts/'] },
];

const SKIPPED_FOLDERS = new Set(['node_modules', 'dist', 'cdktf.out', 'coverage']);

/** Every .ts file of the project, as a '/'-separated path from the root; hidden and build folders skipped. */
function projectSources(root: string, folder = ''): string[] {
  return readdirSync(join(root, folder), { withFileTypes: true }).flatMap((entry) => {
    const path = folder ? `${folder}/${entry.name}` : entry.name;
    if (entry.isDirectory()) return entry.name.startsWith('.') || SKIPPED_FOLDERS.has(entry.name) ? [] : projectSources(root, path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

const withoutExtension = (path: string): string => path.replace(/\.ts$/, '');

/** The layer a path (a file, or an import's target without extension) belongs to: the most specific entry of LAYERS that holds it. */
function layerOf(path: string): number | undefined {
  let found: { index: number; length: number } | undefined;
  LAYERS.forEach((layer, index) => {
    for (const p of layer.paths) {
      const holds = p.endsWith('/') ? path.startsWith(p) : withoutExtension(path) === withoutExtension(p);
      if (holds && (!found || p.length > found.length)) found = { index, length: p.length };
    }
  });
  return found?.index;
}

const describeLayer = (index: number): string => `${index + 1} (${LAYERS[index].name})`;

interface Source {
  /** '/'-separated, from the project root. */
  readonly path: string;
  readonly text: string;
}

/** One line per import that runs from a lower layer to a higher one, and per file in no layer. */
function layerViolations(sources: readonly Source[]): string[] {
  const problems: string[] = [];
  for (const { path, text } of sources) {
    const own = layerOf(path);
    if (own === undefined) {
      problems.push(`${path} is in no layer: add its folder to LAYERS in __tests__/layers.test.ts and to README's "Layout"`);
      continue;
    }
    for (const imported of ts.preProcessFile(text, true, true).importedFiles) {
      if (!imported.fileName.startsWith('.')) continue;
      const target = posix.normalize(posix.join(posix.dirname(path), imported.fileName));
      const theirs = layerOf(target);
      if (theirs === undefined || theirs <= own) continue;
      const line = text.slice(0, imported.pos).split('\n').length;
      problems.push(
        `${path}:${line} imports ${imported.fileName} (layer ${describeLayer(theirs)}) from layer ${describeLayer(own)}: ` +
          `move what it uses down to layer ${own + 1} or below, or move ${path} up to layer ${theirs + 1} or above`,
      );
    }
  }
  return problems;
}

describe('the layering', () => {
  it('has no import from a lower layer to a higher one, and every .ts file in a layer', () => {
    const sources = projectSources(PROJECT_ROOT).map((path) => ({ path, text: readFileSync(join(PROJECT_ROOT, ...path.split('/')), 'utf8') }));
    // An empty tree would pass anything: the walk must have found the project.
    expect(sources.map((s) => s.path)).toEqual(expect.arrayContaining(['main.ts', 'stacks/analytics-stack.ts', 'lib/topic-prefix.ts']));
    expect(layerViolations(sources).join('\n')).toBe('');
  });

  it('reports an import that runs back up, with its file, line and both layers', () => {
    const text = "import { a } from './helper';\n// import { b } from '../stacks/app';\nimport type { C } from '../stacks/app';\n";
    expect(layerViolations([{ path: 'lib/example.ts', text }])).toEqual([
      "lib/example.ts:3 imports ../stacks/app (layer 8 (stacks)) from layer 1 (shared rules and helpers): " +
        'move what it uses down to layer 1 or below, or move lib/example.ts up to layer 8 or above',
    ]);
  });

  it('reads require() and import() too, and allows imports within a layer and downwards', () => {
    const text = "const x = require('../stacks/app');\nexport const y = import('../payloads/pinot-tables');\nimport { z } from '../lib/shorten';\n";
    expect(layerViolations([{ path: 'pipelines/example.ts', text }]).map((p) => p.split(' imports ')[0])).toEqual(['pipelines/example.ts:1']);
  });

  it('refuses a file that is in no layer', () => {
    expect(layerViolations([{ path: 'newfolder/thing.ts', text: '' }])).toEqual([
      'newfolder/thing.ts is in no layer: add its folder to LAYERS in __tests__/layers.test.ts and to README\'s "Layout"',
    ]);
  });

  it('places a file by its most specific entry', () => {
    expect([layerOf('main.ts'), layerOf('main'), layerOf('ksql/tests/shop.cases.ts'), layerOf('ksql-language/parser.ts'), layerOf('mainframe.ts')]).toEqual([8, 8, 9, 2, undefined]);
  });
});
