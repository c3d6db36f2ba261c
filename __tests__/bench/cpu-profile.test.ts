/** bench/cpu-profile.ts: how `npm run bench:synth` splits a profiled synth into parts. */
import { breakdown, type CpuProfile, packageOf, partOf } from '../../bench/cpu-profile';

const ROOT = '/lab';
const f = (functionName: string, url = '') => ({ functionName, url, lineNumber: 0 });
const main = f('', `file://${ROOT}/main.ts`);
const loader = f('Module._load', 'node:internal/modules/cjs/loader');
const buildApp = f('buildApp', `file://${ROOT}/stacks/app.ts`);
const synth = f('synth', `${ROOT}/node_modules/cdktf/lib/app.js`);

describe('partOf', () => {
  it('puts a sample anywhere under the TypeScript compiler or ts-node in transpile', () => {
    expect(partOf([main, loader, f('transpileModule', `${ROOT}/node_modules/typescript/lib/typescript.js`), f('scan', `${ROOT}/node_modules/typescript/lib/typescript.js`)])).toBe(
      'transpile (TypeScript compiler, ts-node)',
    );
  });

  it('gives code run from a require hook to the code, not to the hook', () => {
    const tsNode = f('require.extensions.<computed>', `${ROOT}/node_modules/ts-node/dist/index.js`);
    expect(partOf([f('(root)'), tsNode, main, buildApp, f('Construct', `${ROOT}/node_modules/constructs/lib/construct.js`)])).toBe('construct tree (buildApp)');
    expect(partOf([f('(root)'), tsNode, main, loader, tsNode, f('compile', `${ROOT}/node_modules/ts-node/dist/index.js`), f('')])).toBe('transpile (TypeScript compiler, ts-node)');
    const hook = f('require.extensions..ts', `${ROOT}/scripts/ts-cache.js`);
    expect(partOf([f('(root)'), hook, main, synth, f('stringify')])).toBe('synth: resolve, validate, write JSON (app.synth)');
  });

  it('puts stack formatting and source maps apart, wherever they are called from', () => {
    expect(partOf([main, buildApp, f('captureStackTrace', `${ROOT}/node_modules/cdktf/lib/tokens/private/stack-trace.js`), f('prepareStackTraceWithSourceMaps', 'node:internal/source_map/prepare_stack_trace')])).toBe(
      'stack traces (formatting, source maps)',
    );
  });

  it('gives the loader its own work, and a module’s top-level code to the code', () => {
    expect(partOf([main, loader, f('readFileSync', 'node:fs'), f('')])).toBe('module loading (resolve, read, compile)');
    expect(partOf([main, loader, f('', `${ROOT}/node_modules/@faker-js/faker/dist/index.js`)])).toBe('module top-level code (imports being evaluated)');
    expect(partOf([main, loader, f('compiledSource', `${ROOT}/scripts/ts-cache.js`), f('digest', 'node:internal/crypto/hash')])).toBe('transpile cache (hook lookups)');
  });

  it('splits the rest by phase: building the construct tree, then app.synth', () => {
    expect(partOf([main, buildApp, f('Construct', `${ROOT}/node_modules/constructs/lib/construct.js`)])).toBe('construct tree (buildApp)');
    expect(partOf([main, synth, f('stringify')])).toBe('synth: resolve, validate, write JSON (app.synth)');
    // A require inside buildApp is still module loading.
    expect(partOf([main, buildApp, loader, f('stat')])).toBe('module loading (resolve, read, compile)');
  });

  it('counts garbage collection and native time, and leaves idle out', () => {
    expect(partOf([f('(root)'), f('(garbage collector)')])).toBe('garbage collection');
    expect(partOf([f('(root)'), f('(program)')])).toBe('V8 and native, outside JavaScript');
    expect(partOf([f('(root)'), f('(idle)')])).toBeUndefined();
  });
});

describe('breakdown', () => {
  it('adds each sample’s time to its part and to the package it was sampled in', () => {
    const profile: CpuProfile = {
      nodes: [
        { id: 1, callFrame: f('(root)'), children: [2, 5] },
        { id: 2, callFrame: main, children: [3, 4] },
        { id: 3, callFrame: buildApp },
        { id: 4, callFrame: synth },
        { id: 5, callFrame: f('(idle)') },
      ],
      startTime: 0,
      endTime: 15_000,
      samples: [3, 3, 4, 5],
      timeDeltas: [1000, 2000, 4000, 8000],
    };
    const b = breakdown(profile);
    expect(b.totalMs).toBe(7);
    expect(Object.fromEntries(b.parts)).toEqual({ 'construct tree (buildApp)': 3, 'synth: resolve, validate, write JSON (app.synth)': 4 });
    expect(Object.fromEntries(b.selfByPackage)).toEqual({ '(project)': 3, cdktf: 4 });
  });
});

describe('packageOf', () => {
  it('names scoped and plain packages, Node internals and project files', () => {
    expect(packageOf('/lab/node_modules/@faker-js/faker/dist/x.js')).toBe('@faker-js/faker');
    expect(packageOf('/lab/node_modules/cdktf/lib/app.js')).toBe('cdktf');
    expect(packageOf('node:internal/modules/cjs/loader')).toBe('node:internal/modules/cjs');
    expect(packageOf('/lab/stacks/app.ts')).toBe('(project)');
    expect(packageOf('')).toBe('(native)');
  });
});
