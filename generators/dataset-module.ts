/**
 * The contract between a dataset module and the runner: a dataset module holds its schema, its
 * own command-line flags and a factory for its generator; the runner paces, stamps and delivers.
 */
import type { Faker } from '@faker-js/faker';
import type { DatasetSchema } from './schema';

/** One produced record: exactly the schema's fields, JSON-serialisable. */
export type FieldValue = string | number | boolean | null;
export type DatasetRecord = Readonly<Record<string, FieldValue>>;

/**
 * What a generator yields when asked for more: one or more records, all stamped with the event
 * time it was given (a burst yields several), or a pause of `ms` before it is asked again
 * (sessionize gaps, reference-data refresh intervals, every simulated user resting).
 */
export type GeneratorStep =
  | { readonly kind: 'records'; readonly records: readonly DatasetRecord[] }
  | { readonly kind: 'pause'; readonly ms: number };

export interface DatasetGenerator {
  /** The next step at event time `now` (epoch ms). */
  next(now: number): GeneratorStep;
  /**
   * Optional on-demand anomaly (server_logs error burst, bank_transactions fraud spree): the next
   * step yields it. The CLI calls it at start for `--burst` and on SIGUSR1.
   */
  trigger?(): void;
}

/** A dataset-specific command-line flag. Values are validated by the CLI before a generator exists. */
export type FlagSpec =
  | { readonly name: string; readonly kind: 'boolean'; readonly description: string }
  | {
      readonly name: string;
      readonly kind: 'number' | 'integer';
      readonly description: string;
      readonly default: number;
      readonly min: number;
      readonly max?: number;
    };

export type FlagValues = Readonly<Record<string, number | boolean>>;

export interface GeneratorContext {
  /** Seeded with `--seed`: every random choice goes through it, so a seed reproduces the values. */
  readonly faker: Faker;
  /** Parsed values of the module's own flags (every declared flag present, defaults applied). */
  readonly flags: FlagValues;
}

export interface DatasetModule {
  readonly schema: DatasetSchema;
  readonly flags: readonly FlagSpec[];
  create(context: GeneratorContext): DatasetGenerator;
}

export const records = (...items: DatasetRecord[]): GeneratorStep => ({ kind: 'records', records: items });
export const pause = (ms: number): GeneratorStep => ({ kind: 'pause', ms });

/** Reads a numeric flag that the CLI has validated and defaulted. */
export function numberFlag(flags: FlagValues, name: string): number {
  const value = flags[name];
  if (typeof value !== 'number') throw new Error(`flag --${name} is missing or not a number; the CLI applies defaults, so this is a bug in the caller`);
  return value;
}

export function booleanFlag(flags: FlagValues, name: string): boolean {
  return flags[name] === true;
}

/** Default values of a module's flags, e.g. for tests and library callers that bypass the CLI. */
export function defaultFlags(specs: readonly FlagSpec[], overrides: FlagValues = {}): FlagValues {
  const values: Record<string, number | boolean> = {};
  for (const spec of specs) values[spec.name] = spec.kind === 'boolean' ? false : spec.default;
  return { ...values, ...overrides };
}
