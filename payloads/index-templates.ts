/**
 * The Elasticsearch index template of a pipeline: applied before its first sink writes, so that
 * every index the sinks create gets these mappings instead of Elasticsearch's guesses (which map
 * epoch milliseconds as long and strings as text + keyword).
 */
import { DATASET_SCHEMAS } from '../pipelines/datasets';
import type { IndexTemplateSpec } from '../ops/elasticsearch/applier';
import type { PipelineDecl } from '../pipelines/types';
import type { SinkTarget } from './elasticsearch-sinks';

/**
 * Columns that hold epoch milliseconds: ksqlDB's window bounds and row time under the names the
 * scripts give them (WINDOW_START, SESSION_END, ...), and any column ending in _TS (EVENT_TS, ...).
 * Matched ignoring case, and only for JSON integers.
 */
const STANDARD_TIME_COLUMNS = '(WINDOW|SESSION)_?(START|END)|ROWTIME|TS|.*_TS';
export const TIME_COLUMN_PATTERN = `(?i)(${STANDARD_TIME_COLUMNS})`;
const STANDARD_TIME_COLUMN = new RegExp(`^(${STANDARD_TIME_COLUMNS})$`, 'i');

/**
 * Whether the pipeline's template maps a JSON integer field of this name as a date: the test its
 * dynamic template applies (a standard time column, or one of `timeColumns`, ignoring case).
 */
export function isDateColumn(column: string, timeColumns: readonly string[] = []): boolean {
  return STANDARD_TIME_COLUMN.test(column) || timeColumns.some((c) => c.toUpperCase() === column.toUpperCase());
}

/**
 * The epoch-millisecond fields of the pipeline's datasets, as the ksqlDB columns that carry them
 * (unquoted identifiers are upper case), so the index template maps them as dates.
 */
export function datasetTimeColumns(pipeline: PipelineDecl): string[] {
  const names = pipeline.datasets.flatMap((d) => DATASET_SCHEMAS[d].fields.filter((f) => f.type === 'timestamp_ms').map((f) => f.name.toUpperCase()));
  return [...new Set(names)].sort();
}

/** Above the built-in templates (priority 100..500 cover logs-*-*, metrics-*-*, not our names); exact names avoid overlaps. */
const TEMPLATE_PRIORITY = 200;

export function indexTemplateName(pipeline: string): string {
  return `lab-${pipeline}`;
}

export interface IndexTemplateOptions {
  /** Further epoch-millisecond columns, e.g. a dataset's timestamp field carried through (TIMECREATED). */
  readonly timeColumns?: readonly string[];
}

/**
 * Whether the template of a pipeline with these options maps `column` as a date (when it holds an
 * integer): what data views and Pinot schemas use to pick their time fields.
 */
export function isTemplateTimeColumn(column: string, options: IndexTemplateOptions = {}): boolean {
  return STANDARD_TIME_COLUMN.test(column) || (options.timeColumns ?? []).some((c) => c.toLowerCase() === column.toLowerCase());
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** One template for all sink indices of a pipeline. */
export function pipelineIndexTemplate(pipeline: string, targets: readonly SinkTarget[], options: IndexTemplateOptions = {}): IndexTemplateSpec {
  if (targets.length === 0) throw new Error(`pipeline ${pipeline} has no sinks, so it needs no index template`);
  const extra = [...new Set(options.timeColumns ?? [])].filter((c) => !STANDARD_TIME_COLUMN.test(c)).map(escapeRegex);
  const timePattern = extra.length ? `(?i)(${STANDARD_TIME_COLUMNS}|${extra.join('|')})` : TIME_COLUMN_PATTERN;
  return {
    name: indexTemplateName(pipeline),
    body: {
      index_patterns: targets.map((t) => t.index).sort(),
      priority: TEMPLATE_PRIORITY,
      template: {
        // A single-node lab: replicas could never be assigned and would keep the indices yellow.
        settings: { number_of_shards: 1, number_of_replicas: 0 },
        mappings: {
          // Strings that look like dates or numbers stay keywords: types come from the templates below only.
          date_detection: false,
          numeric_detection: false,
          dynamic_templates: [
            {
              epoch_millis_as_date: {
                match_mapping_type: 'long',
                match_pattern: 'regex',
                match: timePattern,
                mapping: { type: 'date', format: 'epoch_millis' },
              },
            },
            { strings_as_keywords: { match_mapping_type: 'string', mapping: { type: 'keyword', ignore_above: 2048 } } },
          ],
        },
      },
      _meta: { description: `Sink indices of the ${pipeline} pipeline`, managed_by: 'streaming-analytics-lab' },
    },
  };
}
