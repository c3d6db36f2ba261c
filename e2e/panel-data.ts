/**
 * Judging a panel query plan's answers, without sending anything (the rehearsal sends the
 * `_msearch` payloads and passes the `responses` here in the same order): the values of dashboard
 * variables from their terms answers, and per pipeline how many panels have data ("5/5") with
 * what each empty panel's answer held.
 */
import { variableValues } from '../dashboards/grafana-search';
import type { VariableSearch } from '../dashboards/panel-searches';
import { judgeAnswer } from '../lib/search-answer';
import type { PipelineName } from '../pipelines/catalog';
import type { PipelineQueries } from './panel-query-plan';

/** Variable values by dashboard uid and name, for panelQueryPlan's variableValues. */
export function resolvedVariables(variables: readonly VariableSearch[], answers: readonly unknown[]): Map<string, Map<string, readonly string[]>> {
  const out = new Map<string, Map<string, readonly string[]>>();
  variables.forEach((v, i) => {
    const byName = out.get(v.dashboardUid) ?? new Map<string, readonly string[]>();
    byName.set(v.name, variableValues(answers[i]));
    out.set(v.dashboardUid, byName);
  });
  return out;
}

export interface PanelDataResult {
  readonly pipeline: PipelineName;
  readonly withData: number;
  readonly total: number;
  /** Each panel without data: `<tool> "<dashboard>" / "<panel>" (index): what its answer held`. */
  readonly empty: readonly string[];
}

/** Per pipeline, the panels whose answer (answers[i] for the i-th query of the pipeline) holds data. */
export function panelsWithData(pipeline: PipelineQueries, answers: readonly unknown[]): PanelDataResult {
  const empty: string[] = [];
  pipeline.queries.forEach((q, i) => {
    const verdict = judgeAnswer(q.shape, answers[i]);
    const waiting = q.unresolvedVariables.length ? ` (variables ${q.unresolvedVariables.join(', ')} unresolved)` : '';
    if (!verdict.hasData) empty.push(`${q.tool} "${q.dashboard}" / "${q.panel}" (${q.index}): ${verdict.seen}${waiting}`);
  });
  return { pipeline: pipeline.pipeline, withData: pipeline.queries.length - empty.length, total: pipeline.queries.length, empty };
}
