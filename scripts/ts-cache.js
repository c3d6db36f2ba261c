// @ts-check
'use strict';
/**
 * A require hook that runs the project's TypeScript without compiling it again on every start:
 * `node --require ./scripts/ts-cache.js main.ts` (cdktf.json's app, the appliers' provisioners).
 *
 * Why: with ts-node, every synth, diff, deploy and applier start spent about half its time in
 * TypeScript's transpiler and source-map-support (issue 22). Here each .ts file's JavaScript is kept
 * in .cache/ts-transpiled/<key>.js, the key being a hash of everything the output depends on (the
 * file's path and content, the TypeScript version, tsconfig.json, this hook's own source). So:
 * - no build step, and nothing to forget: a changed file has a new key and is transpiled on its
 *   next require; an unchanged one is read back. Stale output cannot be served.
 * - the module is compiled under its own .ts path, so __dirname stays the source folder (code reads
 *   ksql/*.sql and other files relative to it).
 * - TypeScript is loaded only on a miss, so a warm start never loads the compiler.
 * - like ts-node's transpile-only, no type-check (npm test type-checks) and each file alone
 *   (ts.transpileModule), with the compiler options of tsconfig.json.
 *
 * Plain JavaScript on purpose: it must load without a compiler.
 */
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');
/** LAB_TS_CACHE_DIR: another cache folder (the bench's cold run, the tests). */
const CACHE_DIR = process.env.LAB_TS_CACHE_DIR
  ? path.resolve(process.env.LAB_TS_CACHE_DIR)
  : path.join(ROOT, '.cache', 'ts-transpiled');
const TSCONFIG = path.join(ROOT, 'tsconfig.json');

/** @type {crypto.Hash | undefined} the hash of what every key shares, computed on first use */
let baseHash;
/** @type {typeof import('typescript') | undefined} loaded on the first miss only */
let ts;
/** @type {import('typescript').CompilerOptions | undefined} */
let compilerOptions;

/** The hash state of what every file's output depends on besides its own path and content. */
function base() {
  if (!baseHash) {
    const tsPackage = require.resolve('typescript/package.json', { paths: [ROOT] });
    baseHash = crypto.createHash('sha256');
    for (const part of [
      fs.readFileSync(__filename),
      /** @type {{ version: string }} */ (JSON.parse(fs.readFileSync(tsPackage, 'utf8'))).version,
      fs.readFileSync(TSCONFIG),
    ]) {
      baseHash.update(part).update('\0');
    }
  }
  return baseHash.copy();
}

/** tsconfig.json's compiler options, read the way tsc reads them (comments allowed). */
function loadCompilerOptions() {
  ts = require(require.resolve('typescript', { paths: [ROOT] }));
  const typescript = /** @type {typeof import('typescript')} */ (ts);
  const read = typescript.readConfigFile(TSCONFIG, typescript.sys.readFile);
  if (read.error) throw new Error(formatDiagnostics(typescript, [read.error]));
  const parsed = typescript.convertCompilerOptionsFromJson(read.config.compilerOptions ?? {}, ROOT, TSCONFIG);
  if (parsed.errors.length > 0) throw new Error(formatDiagnostics(typescript, parsed.errors));
  return {
    ...parsed.options,
    // Node loads CommonJS from .ts files; the project's tsconfig says so too, this makes it certain.
    module: typescript.ModuleKind.CommonJS,
    // Stack traces name .ts lines (see Error.prepareStackTrace below); without outDir the map's
    // source is the file itself, as --enable-source-maps needs it.
    sourceMap: false,
    outDir: undefined,
    rootDir: undefined,
    inlineSourceMap: true,
    inlineSources: false,
    declaration: false,
    noEmit: false,
  };
}

/**
 * @param {typeof import('typescript')} typescript
 * @param {readonly import('typescript').Diagnostic[]} diagnostics
 */
function formatDiagnostics(typescript, diagnostics) {
  return typescript.formatDiagnostics(diagnostics, {
    getCanonicalFileName: (f) => f,
    getCurrentDirectory: () => ROOT,
    getNewLine: () => '\n',
  });
}

/**
 * The JavaScript for one .ts file; a syntax error throws, naming the file, line and column.
 * @param {string} source
 * @param {string} filename
 */
function transpile(source, filename) {
  if (!compilerOptions) compilerOptions = loadCompilerOptions();
  const typescript = /** @type {typeof import('typescript')} */ (ts);
  const out = typescript.transpileModule(source, { compilerOptions, fileName: filename, reportDiagnostics: true });
  const errors = (out.diagnostics ?? []).filter((d) => d.category === typescript.DiagnosticCategory.Error);
  if (errors.length > 0) {
    const error = new Error(`TypeScript cannot transpile ${path.relative(ROOT, filename)}:\n${formatDiagnostics(typescript, errors)}`);
    error.name = 'TSError';
    throw error;
  }
  return out.outputText;
}

/**
 * Writes the file so that no reader ever sees part of it: up to ten provisioners start at once and
 * may transpile the same file. The cache is an optimisation: a failed write (read-only checkout,
 * full disk) costs the next start a transpile, not this one its run.
 * @param {string} file
 * @param {string} text
 */
function writeAtomically(file, text) {
  const temp = `${file}.${process.pid}.${crypto.randomBytes(6).toString('hex')}.tmp`;
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(temp, text);
    fs.renameSync(temp, file);
  } catch {
    try {
      fs.rmSync(temp, { force: true });
    } catch {
      // Nothing was written where nothing can be.
    }
  }
}

/**
 * The JavaScript for a .ts file, from the cache or transpiled and stored.
 * @param {string} filename
 */
function compiledSource(filename) {
  const source = fs.readFileSync(filename, 'utf8');
  const key = base().update(filename).update('\0').update(source).digest('hex');
  const cached = path.join(CACHE_DIR, `${key}.js`);
  try {
    return fs.readFileSync(cached, 'utf8');
  } catch {
    // Not there yet, or a cache folder that cannot be read: transpile (writeAtomically says why).
  }
  const js = transpile(source, filename);
  writeAtomically(cached, js);
  return js;
}

/** filename -> the JavaScript it was compiled to, for mapping stack frames back to .ts lines */
const compiled = new Map();
/** @type {Map<string, import('node:module').SourceMap | null>} parsed on a file's first mapped frame */
const sourceMaps = new Map();

/** @param {string} filename */
function sourceMapOf(filename) {
  let map = sourceMaps.get(filename);
  if (map === undefined) {
    const js = compiled.get(filename);
    const match = js === undefined ? null : /\/\/# sourceMappingURL=data:application\/json;base64,([A-Za-z0-9+/=]+)\s*$/.exec(js);
    map = match ? new (require('node:module').SourceMap)(JSON.parse(Buffer.from(match[1], 'base64').toString('utf8'))) : null;
    sourceMaps.set(filename, map);
  }
  return map;
}

/**
 * A frame's text with its .ts position mapped back to the source.
 * @param {NodeJS.CallSite} site
 * @param {string} text the frame as V8 prints it
 */
function mapFrame(site, text) {
  const filename = site.getFileName();
  const line = site.getLineNumber();
  const column = site.getColumnNumber();
  if (!filename || line === null || column === null || !compiled.has(filename)) return text;
  const entry = sourceMapOf(filename)?.findEntry(line - 1, column - 1);
  if (!entry || !('originalLine' in entry)) return text;
  const at = `${filename}:${line}:${column}`;
  const i = text.lastIndexOf(at);
  if (i < 0) return text;
  return `${text.slice(0, i)}${filename}:${entry.originalLine + 1}:${entry.originalColumn + 1}${text.slice(i + at.length)}`;
}

/** frame text -> mapped text: a synth's thousand stacks repeat the same few hundred frames */
const mappedFrames = new Map();

/**
 * One stack frame as V8 prints it, a .ts position mapped back to the source.
 * @param {NodeJS.CallSite} site
 * @returns {string}
 */
function formatFrame(site) {
  const text = String(site);
  if (!text.includes('.ts:')) return text;
  let mapped = mappedFrames.get(text);
  if (mapped === undefined) {
    mapped = mapFrame(site, text);
    mappedFrames.set(text, mapped);
  }
  return mapped;
}

/**
 * Stack traces name .ts lines. Not Node's own source maps (process.setSourceMapsEnabled): those
 * decode the inline map of every module loaded, cdktf's included, and map every frame of the
 * thousand full-depth stacks cdktf captures in a synth, which added about 28 % to a warm synth's CPU.
 * Here only the frames in files this hook compiled are mapped, a file's map parsed on its first
 * such frame. Left to Node when its source maps are on (--enable-source-maps), which then maps
 * every frame.
 */
if (!process.sourceMapsEnabled) {
  // A named function, so that a CPU profile shows the time spent here as stack formatting.
  Error.prepareStackTrace = function prepareStackTrace(error, callSites) {
    let header;
    try {
      header = Error.prototype.toString.call(error);
    } catch {
      header = '<error>';
    }
    return callSites.length === 0 ? header : `${header}\n    at ${callSites.map(formatFrame).join('\n    at ')}`;
  };
}

/**
 * @param {NodeJS.Module} module
 * @param {string} filename
 */
require.extensions['.ts'] = (module, filename) => {
  const js = compiledSource(filename);
  compiled.set(filename, js);
  /** @type {{ _compile(code: string, filename: string): void }} */ (/** @type {unknown} */ (module))._compile(js, filename);
};

module.exports = { compiledSource, CACHE_DIR };
