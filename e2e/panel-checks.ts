/**
 * Every Grafana panel's and Kibana saved search's query, sent to the search engine as the tools
 * send it, and its answer judged: the rehearsal's proof that each dashboard shows data. Per round:
 * the plan (panel-query-plan.ts) at this instant, the dashboard variables' terms searches first
 * (their values go into the panels' queries, as Grafana does before it draws), then one `_msearch`
 * per pipeline, each answer judged by lib/search-answer.ts. One check per panel, failing with the
 * dashboard, panel, index and what the answer held; per pipeline the "panels with data" figure.
 *
 * One `_msearch` per pipeline rather than a `_search` per panel: the payload is the one Grafana
 * sends (lib/search-request.ts msearchPayload, plain application/x-ndjson, which OpenSearch takes),
 * and an error of one search comes back in its own item without failing the others.
 */
import { judgeAnswer } from '../lib/search-answer';
import { asObject, msearchPayload, type SearchRequest } from '../lib/search-request';
import { panelsWithData, resolvedVariables } from './panel-data';
import type { PanelQueryPlan, PipelineQueries } from './panel-query-plan';
import { brief, postText, type HttpAccess } from './probes';
import type { CheckResult } from './summary';

/** The answers of a `_msearch`, in request order, or why there are none. */
export type MsearchOutcome = { readonly answers: readonly unknown[] } | { readonly failure: string };

export type Msearch = (requests: readonly SearchRequest[]) => Promise<MsearchOutcome>;

/** `_msearch` against the engine at `engineUrl`, reached with `access`; an answer without one response per search is a failure. */
export function msearchAt(engineUrl: string, access: HttpAccess): Msearch {
  return async (requests) => {
    if (requests.length === 0) return { answers: [] };
    const answer = await postText(access, `${engineUrl}/_msearch`, msearchPayload(requests), 'application/x-ndjson');
    const responses = asObject(answer.body)?.responses;
    if (answer.status !== 200 || !Array.isArray(responses)) return { failure: `_msearch: ${brief(answer)}` };
    if (responses.length !== requests.length) return { failure: `_msearch answered ${responses.length} responses to ${requests.length} searches` };
    return { answers: responses };
  };
}

/** The plan at one instant, given the variable values found so far. */
export type Planner = (variableValues?: ReadonlyMap<string, ReadonlyMap<string, readonly string[]>>) => PanelQueryPlan;

export interface PanelFigure {
  readonly withData: number;
  readonly total: number;
}

export interface PanelRound {
  readonly results: readonly CheckResult[];
  /** "Panels with data" per pipeline. */
  readonly figures: ReadonlyMap<string, PanelFigure>;
}

/**
 * The checks of one pipeline's panels from its answers (`outcome` of its `_msearch`): one per
 * query, and the figure panelsWithData counts.
 */
export function pipelinePanelChecks(pipeline: PipelineQueries, outcome: MsearchOutcome): { results: CheckResult[]; figure: PanelFigure } {
  const answers = 'answers' in outcome ? outcome.answers : [];
  const results = pipeline.queries.map((q, i): CheckResult => {
    const verdict = 'answers' in outcome ? judgeAnswer(q.shape, answers[i]) : { hasData: false, seen: outcome.failure };
    const waiting = q.unresolvedVariables.length ? ` (variables ${q.unresolvedVariables.join(', ')} unresolved)` : '';
    const tool = q.tool === 'grafana' ? 'Grafana panel' : 'Kibana saved search';
    return {
      pipeline: pipeline.pipeline,
      check: `${tool} "${q.dashboard}" / "${q.panel}" (index ${q.index}) has data`,
      verdict: verdict.hasData ? 'pass' : 'fail',
      detail: `${verdict.seen}${waiting}`,
    };
  });
  const counted = panelsWithData(pipeline, answers);
  return { results, figure: { withData: counted.withData, total: counted.total } };
}

/** Variables first, then every pipeline's panels; a plan problem (an untranslated panel) is a failed check. */
export async function panelChecks(plan: Planner, send: Msearch): Promise<PanelRound> {
  const first = plan();
  const results: CheckResult[] = [];
  let values: ReadonlyMap<string, ReadonlyMap<string, readonly string[]>> | undefined;
  if (first.variables.length) {
    const outcome = await send(first.variables.map((v) => v.request));
    if ('answers' in outcome) values = resolvedVariables(first.variables, outcome.answers);
    // Without values the panels that use them are sent unresolved, and say so in their detail.
    else results.push({ pipeline: 'platform', check: 'dashboard variables resolved', verdict: 'fail', detail: outcome.failure });
  }
  const planned = values ? plan(values) : first;
  for (const problem of planned.problems) results.push({ pipeline: 'platform', check: `panel query translated: ${problem}`, verdict: 'fail', detail: 'not sent: the rehearsal cannot say whether it has data' });
  const figures = new Map<string, PanelFigure>();
  for (const pipeline of planned.pipelines) {
    const checked = pipelinePanelChecks(pipeline, await send(pipeline.queries.map((q) => q.request)));
    results.push(...checked.results);
    figures.set(pipeline.pipeline, checked.figure);
  }
  return { results, figures };
}

/** The fields a search filters by time (`range` clauses): its index's time fields. */
function rangeFields(value: unknown, out: Set<string>): void {
  if (Array.isArray(value)) {
    for (const v of value) rangeFields(v, out);
    return;
  }
  const o = asObject(value);
  if (!o) return;
  for (const [key, inner] of Object.entries(o)) {
    if (key === 'range' && asObject(inner)) for (const field of Object.keys(asObject(inner)!)) out.add(field);
    else rangeFields(inner, out);
  }
}

/** By index, the fields the plan's searches filter by time: each must be mapped as a date (index-checks.ts). */
export function panelTimeFields(plan: PanelQueryPlan): Map<string, string[]> {
  const byIndex = new Map<string, Set<string>>();
  for (const q of plan.pipelines.flatMap((p) => p.queries)) {
    const fields = byIndex.get(q.index) ?? new Set<string>();
    rangeFields(q.request.body, fields);
    byIndex.set(q.index, fields);
  }
  return new Map([...byIndex].map(([index, fields]) => [index, [...fields].sort()]));
}
