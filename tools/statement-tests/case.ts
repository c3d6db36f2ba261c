/**
 * The shape of a statement test case (ksql/tests/<pipeline>.cases.ts): records written to the
 * topics the pipeline's streams and tables read, and the exact rows ksqlDB must write to the
 * topics of the objects it computes. One case is one run of ksqlDB's own test runner
 * (io.confluent.ksql.test.tools.KsqlTestingTool), so the records of a case share one timeline.
 */
import type { PipelineName } from '../../pipelines/catalog';

/** JSON as the test runner reads it: a record value, a key, a column value. */
export type Json = string | number | boolean | null | readonly Json[] | { readonly [field: string]: Json };

/** A record written to the topic of a source stream or table (a plain CREATE STREAM/TABLE). */
export interface InputRecord {
  /** The stream or table (ksqlDB name) whose topic the record is written to. */
  readonly into: string;
  /** The message key: the KEY / PRIMARY KEY column's value. Omitted: no key. */
  readonly key?: string;
  /** The message value, fields named as the producer writes them; null is a tombstone. */
  readonly value: Json;
  /** The Kafka record timestamp (epoch ms); streams with TIMESTAMP='col' take event time from the column instead. */
  readonly timestamp?: number;
}

/** A window bound to a row of a windowed table: TIME for tumbling and hopping windows, SESSION for sessions. */
export interface WindowBounds {
  readonly type: 'TIME' | 'SESSION';
  readonly start: number;
  readonly end: number;
}

/** One row ksqlDB must write to an object's topic, in the order written. */
export interface ExpectedRow {
  /** The message key (the GROUP BY / PARTITION BY value); omitted: no key. */
  readonly key?: Json;
  /** Windowed tables: the window of the row's key. */
  readonly window?: WindowBounds;
  /** The value exactly (every column, no more); null: a tombstone (a row deleted). */
  readonly value: Json;
  /** The record timestamp; omitted: not compared. */
  readonly timestamp?: number;
}

export interface StatementCase {
  /** What the case shows, in a few words: it names the case in the report. */
  readonly name: string;
  /** Records in the order they are written; the runner feeds each query its topics' records in this order. */
  readonly inputs: readonly InputRecord[];
  /**
   * Per object (ksqlDB name of a CREATE ... AS SELECT): every row its topic receives, in order. The
   * runner compares only the objects named here, and an object needs at least one expected row
   * (the runner cannot compare an empty topic): prove "no row" next to a record that makes one.
   */
  readonly expect: Readonly<Record<string, readonly ExpectedRow[]>>;
}

/** The cases of one pipeline: ksql/tests/<pipeline>.cases.ts exports one of these as `cases`. */
export interface PipelineCases {
  readonly pipeline: PipelineName;
  readonly cases: readonly StatementCase[];
}

/**
 * A DOUBLE column's expected value, as ksqlDB writes it in JSON (Java's Double.toString: `10.0`,
 * `0.75`, `1.0E7`). The runner reads the rows ksqlDB wrote with exact decimals and compares a
 * double with its scale, so `10` would not match `10.0`; the text form compares exactly.
 */
export function double(x: number): string {
  if (!Number.isFinite(x)) throw new Error(`double(${x}): ksqlDB writes no JSON for a non-finite double`);
  const abs = Math.abs(x);
  if (abs !== 0 && (abs < 1e-3 || abs >= 1e7)) {
    const [mantissa, exponent] = x.toExponential().split('e');
    return `${mantissa.includes('.') ? mantissa : `${mantissa}.0`}E${Number(exponent)}`;
  }
  const text = String(x);
  return text.includes('.') ? text : `${text}.0`;
}
