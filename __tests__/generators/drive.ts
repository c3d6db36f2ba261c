/** Test helper (not a suite): runs a dataset module on a simulated clock, as the CLI does with --start-time. */
import { defaultFlags, type DatasetRecord, type FlagValues } from '../../generators/dataset-module';
import { datasetModule } from '../../generators/datasets';
import { createFaker } from '../../generators/random';
import { SimulatedClock } from '../../generators/runtime/clock';
import { RecordSource } from '../../generators/runtime/source';
import type { DatasetSchema, FieldType } from '../../generators/schema';
import type { DatasetName } from '../../pipelines/datasets';

export const START = Date.UTC(2024, 0, 1);

export interface DriveOptions {
  readonly seed?: number;
  readonly flags?: FlagValues;
  /** Simulated milliseconds between records (1000 / rate). */
  readonly stepMs?: number;
}

export function drive(dataset: DatasetName, count: number, options: DriveOptions = {}): DatasetRecord[] {
  const module = datasetModule(dataset);
  const generator = module.create({ faker: createFaker(options.seed ?? 1), flags: defaultFlags(module.flags, options.flags) });
  const source = new RecordSource(generator, new SimulatedClock(START, options.stepMs ?? 100), count);
  const out: DatasetRecord[] = [];
  while (!source.exhausted) out.push(...source.take(count).records);
  return out;
}

/** Why a value does not fit its declared type, or undefined when it does. */
export function typeMismatch(type: FieldType, value: unknown): string | undefined {
  switch (type) {
    case 'string':
      return typeof value === 'string' ? undefined : 'not a string';
    case 'int':
      return Number.isInteger(value) && (value as number) >= -(2 ** 31) && (value as number) < 2 ** 31 ? undefined : 'not a 32-bit integer';
    case 'bigint':
      return Number.isSafeInteger(value) ? undefined : 'not a safe integer';
    case 'double':
      return typeof value === 'number' && Number.isFinite(value) ? undefined : 'not a finite number';
    case 'boolean':
      return typeof value === 'boolean' ? undefined : 'not a boolean';
    case 'timestamp_ms':
      // Epoch milliseconds, not seconds: after 2001-09-09 and before 2100.
      return Number.isSafeInteger(value) && (value as number) > 1e12 && (value as number) < 4.1e12 ? undefined : 'not epoch milliseconds';
  }
}

/** Every problem of a record against its schema: missing, extra and mistyped fields. */
export function schemaProblems(schema: DatasetSchema, record: Readonly<Record<string, unknown>>): string[] {
  const problems: string[] = [];
  const declared = new Set(schema.fields.map((field) => field.name));
  for (const name of Object.keys(record)) if (!declared.has(name)) problems.push(`extra field ${name}`);
  for (const field of schema.fields) {
    const value = record[field.name];
    if (value === undefined || value === null) {
      if (!field.optional) problems.push(`missing field ${field.name}`);
      continue;
    }
    const mismatch = typeMismatch(field.type, value);
    if (mismatch) problems.push(`${field.name}=${JSON.stringify(value)} is ${mismatch} (declared ${field.type})`);
  }
  return problems;
}
