/**
 * The _bulk actions the stack's Elasticsearch sink connectors write for a pipeline, built from the
 * rows its statement tests prove ksqlDB writes (ksql/tests/<pipeline>.cases.ts: every value column,
 * exactly), so the documents have the shape and types of the real ones:
 * - the document is the record value as JsonConverter (schemas off) gives it: the ksqlDB row for a
 *   CREATE ... AS SELECT, the producer's own JSON for a source stream or table;
 * - a stream appends: id `<index>+<partition>+<offset>`, nulls ignored (`key.ignore=true`,
 *   `behavior.on.null.values=ignore`, payloads/elasticsearch-sinks.ts);
 * - a table upserts and deletes by key, versioned by offset (`version_type: external`), as the
 *   connector (and the lab's stand-in plugin) write keyed records. The real id is the base64 of the
 *   serialized key bytes; here the base64 of the key and window as JSON stands for it: stable and
 *   unique per key and window, which is all the index sees.
 */
import { double, type ExpectedRow, type Json, type PipelineCases } from '../../tools/statement-tests/case';
import type { SinkTarget } from '../../payloads/elasticsearch-sinks';

export type Document = { readonly [field: string]: Json };

export interface BulkAction {
  readonly op: 'index' | 'delete';
  readonly index: string;
  readonly id: string;
  /** Only for keyed writes: the record's offset, so that a replayed older record cannot win. */
  readonly version?: number;
  readonly document?: Document;
}

/**
 * The cases write a DOUBLE as ksqlDB's text of it (`double(0.75)` is "0.75") because the test runner
 * compares decimals by text; on the topic, and so in the document, it is a JSON number.
 */
function asWritten(value: Json): Json {
  if (typeof value === 'string' && /^-?\d+\.\d+(E-?\d+)?$/.test(value) && double(Number(value)) === value) return Number(value);
  if (Array.isArray(value)) return (value as readonly Json[]).map(asWritten);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value as { readonly [field: string]: Json }).map(([k, v]) => [k, asWritten(v)]));
  }
  return value;
}

function isDocument(value: Json): value is Document {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** One record on a sink's topic: its value (null = tombstone) and, for tables, its key and window. */
interface TopicRecord {
  readonly value: Json;
  readonly key?: Json;
  readonly window?: ExpectedRow['window'];
}

/** The records of the sink's topic across all cases, in order: the rows ksqlDB writes, or the inputs of a source object. */
export function topicRecords(target: SinkTarget, cases: PipelineCases): TopicRecord[] {
  return cases.cases.flatMap((c) => [
    ...c.inputs.filter((i) => i.into === target.object).map((i) => ({ value: i.value, key: i.key })),
    ...(c.expect[target.object] ?? []).map((row) => ({ value: asWritten(row.value), key: row.key, window: row.window })),
  ]);
}

/** The actions one sink connector sends for its topic's records (one partition, offsets from 0). */
export function sinkActions(target: SinkTarget, cases: PipelineCases): BulkAction[] {
  const actions: BulkAction[] = [];
  topicRecords(target, cases).forEach((record, offset) => {
    if (target.id === 'offset') {
      if (isDocument(record.value)) actions.push({ op: 'index', index: target.index, id: `${target.index}+0+${offset}`, document: record.value });
      return;
    }
    const id = Buffer.from(JSON.stringify([record.key ?? null, record.window?.start ?? null, record.window?.end ?? null])).toString('base64');
    if (isDocument(record.value)) actions.push({ op: 'index', index: target.index, id, version: offset, document: record.value });
    else if (record.value === null) actions.push({ op: 'delete', index: target.index, id, version: offset });
  });
  return actions;
}

/** The documents an index holds after the actions: the last write of each id, deletes applied. */
export function liveDocuments(actions: readonly BulkAction[]): Map<string, Document> {
  const live = new Map<string, Document>();
  for (const a of actions) {
    if (a.op === 'delete') live.delete(a.id);
    else if (a.document) live.set(a.id, a.document);
  }
  return live;
}

/** The NDJSON body of POST /_bulk for the actions, as the connector's bulk requests carry them. */
export function bulkBody(actions: readonly BulkAction[]): string {
  const lines = actions.flatMap((a) => {
    const meta = { _index: a.index, _id: a.id, ...(a.version === undefined ? {} : { version: a.version, version_type: 'external' }) };
    return a.op === 'delete' ? [JSON.stringify({ delete: meta })] : [JSON.stringify({ index: meta }), JSON.stringify(a.document)];
  });
  return `${lines.join('\n')}\n`;
}
