/**
 * Pinot's configuration classes (pinot-spi, from Maven Central, the version the stack deploys) and
 * tools/pinot/PinotSpecCheck.java compiled against them, cached in .cache/pinot and rebuilt when
 * the pom or the checker changes. Pinot's server and broker are not on Maven Central; the classes
 * the controller parses a schema and table config with are.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../lib/project-root';

const CACHE = join(PROJECT_ROOT, '.cache', 'pinot');
const LIBS = join(CACHE, 'libs');
const CLASSES = join(CACHE, 'classes');
const POM = join(PROJECT_ROOT, 'tools', 'pinot', 'pom.xml');
const SOURCE = join(PROJECT_ROOT, 'tools', 'pinot', 'PinotSpecCheck.java');
const LIBS_STAMP = join(LIBS, '.installed');
const CLASS_FILE = join(CLASSES, 'PinotSpecCheck.class');

function newer(file: string, than: string): boolean {
  return existsSync(file) && statSync(file).mtimeMs >= statSync(than).mtimeMs;
}

function run(program: string, args: readonly string[], what: string): void {
  const r = spawnSync(program, [...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (r.status !== 0) throw new Error(`${what} failed (exit ${r.status ?? r.signal}): ${(r.stdout + r.stderr).trim().slice(-2000)}`);
}

/** The classpath that runs PinotSpecCheck; fetches and compiles what is missing or stale. */
export function pinotCheckClasspath(): string {
  if (!newer(LIBS_STAMP, POM)) {
    mkdirSync(LIBS, { recursive: true });
    run('mvn', ['-B', '-q', '-Dstyle.color=never', '-f', POM, 'dependency:copy-dependencies', `-DoutputDirectory=${LIBS}`], 'fetching pinot-spi from Maven Central');
    run('touch', [LIBS_STAMP], 'marking the Pinot jars installed');
  }
  const classpath = `${LIBS}/*`;
  if (!newer(CLASS_FILE, SOURCE) || !newer(CLASS_FILE, LIBS_STAMP)) {
    mkdirSync(CLASSES, { recursive: true });
    run('javac', ['-d', CLASSES, '-cp', classpath, SOURCE], 'compiling tools/pinot/PinotSpecCheck.java');
  }
  return `${classpath}:${CLASSES}`;
}
