/**
 * A dataset's module (schema, flags, generator) found by the dataset's name: the file
 * generators/datasets/<name>.ts. No list is kept here: the dataset names come from the pipelines
 * that consume them, and loading a module loads faker, which only a generator needs.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { DatasetModule } from '../dataset-module';

const isDatasetModule = (value: unknown): value is DatasetModule =>
  typeof value === 'object' && value !== null && 'schema' in value && 'flags' in value && 'create' in value;

const loaded = new Map<string, DatasetModule>();

/** The module of dataset `name`; throws naming the file and the fix when it is missing or not a dataset module. */
export function datasetModule(name: string): DatasetModule {
  const cached = loaded.get(name);
  if (cached) return cached;
  const file = `generators/datasets/${name}.ts`;
  let exports: Readonly<Record<string, unknown>>;
  try {
    // Found by name rather than imported from a list, so that a new dataset needs only its own files.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    exports = require(join(__dirname, name)) as Readonly<Record<string, unknown>>;
  } catch (e) {
    throw new Error(`dataset ${name} has no generator module: ${file} cannot be loaded (${(e as Error).message.split('\n')[0]}) — write it, exporting its DatasetModule`);
  }
  const modules = Object.values(exports).filter(isDatasetModule).filter((m) => m.schema.name === name);
  if (modules.length !== 1) throw new Error(`${file} exports ${modules.length} dataset modules whose schema is named ${name} — export exactly one (schema, flags, create)`);
  loaded.set(name, modules[0]);
  return modules[0];
}

/** `<name>.schema.ts` (or the compiled `.js`): the file every dataset has, whose stem is the dataset's name. */
const SCHEMA_FILE = /^([a-z0-9_]+)\.schema\.(?:ts|js)$/;

/**
 * The datasets that have their files here, alphabetically: what the generator CLI can run. Read
 * from the folder because the generator image holds generators/ only, not the pipeline catalog.
 */
export function datasetNames(): readonly string[] {
  const names = readdirSync(__dirname).flatMap((file) => SCHEMA_FILE.exec(file)?.[1] ?? []);
  return [...new Set(names)].sort();
}
