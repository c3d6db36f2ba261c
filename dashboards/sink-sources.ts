/**
 * What Grafana can read of each sink: the index the sink writes (the sink's naming rule), the
 * fields of its documents (the object's value columns: a table's key columns are not in them),
 * which of those the pipeline's index template types as dates, and the time field a data source
 * filters on. Dashboards name sink objects; everything else comes from here.
 */
import { valueColumns } from '../ksql-language/columns';
import type { KsqlStatement } from '../ksql-language/parser';
import { indexName } from '../payloads/elasticsearch-sinks';
import { datasetTimeColumns, isDateColumn } from '../payloads/index-templates';
import type { PipelineDecl } from '../pipelines/types';

export interface SinkSource {
  readonly pipeline: PipelineDecl['name'];
  /** ksqlDB object name. */
  readonly object: string;
  readonly index: string;
  /** Fields of the index's documents, in the object's column order. */
  readonly fields: readonly string[];
  /** Fields the index template maps as dates. */
  readonly dateFields: readonly string[];
  /**
   * The field Grafana filters the time range on: the window or session start, else the first
   * date field; undefined when the object writes none (Grafana cannot query such an index).
   */
  readonly timeField?: string;
  /** The Grafana data source of the index. */
  readonly datasourceUid: string;
}

/** Grafana uids are at most 40 characters of letters, digits, '-' and '_'. */
export function datasourceUid(index: string): string {
  return `es-${index}`;
}

const WINDOW_START = /^(WINDOW|SESSION)_?START$/i;

/** The sink sources of the given pipelines, from their statements (the validated script graph's). */
export function sinkSources(pipelines: readonly PipelineDecl[], byName: ReadonlyMap<string, KsqlStatement>): SinkSource[] {
  return pipelines.flatMap((pipeline) => {
    const timeColumns = datasetTimeColumns(pipeline);
    return pipeline.sinks.map((sink): SinkSource => {
      const statement = byName.get(sink.object);
      // resolveSinkTargets reports an undeclared sink with its fix when the stack builds the sinks; this guards other callers.
      if (!statement) throw new Error(`pipelines/catalog.ts (${pipeline.name}): sink ${sink.object} is not created by ${pipeline.ksqlFile}`);
      const fields = valueColumns(statement, byName);
      const dateFields = fields.filter((f) => isDateColumn(f, timeColumns));
      const index = indexName(sink.object);
      return {
        pipeline: pipeline.name,
        object: sink.object,
        index,
        fields,
        dateFields,
        timeField: dateFields.find((f) => WINDOW_START.test(f)) ?? dateFields[0],
        datasourceUid: datasourceUid(index),
      };
    });
  });
}
