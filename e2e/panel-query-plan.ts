/**
 * The searches the rehearsal sends to check that every panel shows data: per pipeline, each
 * Grafana panel target's search (dashboards/panel-searches.ts) and each Kibana saved search's
 * (payloads/kibana-search.ts), built from the same declarations and generators the stack deploys
 * (grafanaProvisioning, kibanaObjects), never from a list of its own. The home dashboard's arrival
 * panels count for the pipeline whose index they read.
 *
 * Variables: a panel whose query names a dashboard variable needs its values, which only the
 * engine knows. Send `variables` first, read each answer with variableValues, and plan again with
 * them; until then such a query is listed with `unresolvedVariables`.
 *
 * Sending is the rehearsal's: one `_msearch` (lib/search-request.ts msearchPayload, as
 * application/x-ndjson) per pipeline, then e2e/panel-data.ts panelsWithData over its `responses`.
 *
 * CLI: `node --require ts-node/register/transpile-only e2e/panel-query-plan.ts [--now=<epoch ms>]
 * [--pipelines=a,b]` prints the plan as JSON.
 */
import { datasetTimeColumns } from '../payloads/index-templates';
import { validateEnabledPipelineScripts } from '../pipelines/scripts';
import { panelSearches, type PanelSearchOptions, type VariableSearch } from '../dashboards/panel-searches';
import { grafanaProvisioning } from '../dashboards/provisioning';
import { sinkSources } from '../dashboards/sink-sources';
import type { AnswerShape } from '../lib/search-answer';
import type { SearchRequest, TimeRange } from '../lib/search-request';
import { PIPELINE_NAMES, type PipelineName, PIPELINES } from '../pipelines/catalog';
import { resolveSinkTargets } from '../payloads/elasticsearch-sinks';
import { kibanaObjects } from '../payloads/kibana-saved-objects';
import { kibanaSearch, UntranslatableSearchError } from '../payloads/kibana-search';

/** Kibana's default time range (timepicker:timeDefaults): the lab's Kibana dashboards keep no time of their own. */
export const KIBANA_DEFAULT_RANGE_MS = 15 * 60_000;

export interface PlannedQuery {
  readonly tool: 'grafana' | 'kibana';
  readonly dashboard: string;
  readonly panel: string;
  readonly index: string;
  readonly range: TimeRange;
  readonly request: SearchRequest;
  /** What of the answer the panel draws: give it to judgeAnswer (lib/search-answer.ts). */
  readonly shape: AnswerShape;
  readonly unresolvedVariables: readonly string[];
}

export interface PipelineQueries {
  readonly pipeline: PipelineName;
  readonly queries: readonly PlannedQuery[];
}

export interface PanelQueryPlan {
  readonly pipelines: readonly PipelineQueries[];
  /** Terms requests of the dashboards' variables, to send before the panels that use them. */
  readonly variables: readonly VariableSearch[];
  /** Panels and saved searches that could not be translated, each naming its dashboard and panel. */
  readonly problems: readonly string[];
  /** Panels that query nothing (text panels), as `<dashboard>: <panel> (<type>)`. */
  readonly withoutQuery: readonly string[];
}

export interface PanelQueryPlanOptions extends PanelSearchOptions {
  /** @default every pipeline: each has a dashboard */
  readonly pipelines?: readonly PipelineName[];
  /** @default KIBANA_DEFAULT_RANGE_MS */
  readonly kibanaRangeMs?: number;
}

/** The plan for the given pipelines at the instant `now`. */
export function panelQueryPlan(options: PanelQueryPlanOptions): PanelQueryPlan {
  const decls = (options.pipelines ?? PIPELINE_NAMES).map((name) => PIPELINES[name]);
  const graph = validateEnabledPipelineScripts(decls);
  // The URL is where Grafana reaches Elasticsearch; the searches do not depend on it.
  const provisioned = grafanaProvisioning(decls, graph.byName, 'http://elasticsearch:9200');
  const pipelineOfIndex = new Map(sinkSources(decls, graph.byName).map((s) => [s.index, s.pipeline]));
  const grafana = panelSearches(provisioned, options);
  const problems = grafana.problems.map((p) => `Grafana dashboard "${p.dashboard}" (${p.dashboardUid}), panel "${p.panel}": ${p.reason}`);
  const byPipeline = new Map<PipelineName, PlannedQuery[]>(decls.map((d) => [d.name, []]));

  for (const s of grafana.searches) {
    const pipeline = pipelineOfIndex.get(s.datasource.index);
    if (!pipeline) {
      problems.push(`Grafana dashboard "${s.dashboard}", panel "${s.panel}": index ${s.datasource.index} is no sink index of ${decls.map((d) => d.name).join(', ')}`);
      continue;
    }
    byPipeline.get(pipeline)!.push({ tool: 'grafana', dashboard: s.dashboard, panel: s.panel, index: s.datasource.index, range: s.range, request: s.search.request, shape: s.search.shape, unresolvedVariables: s.unresolvedVariables });
  }

  const kibanaRange = { from: options.now - (options.kibanaRangeMs ?? KIBANA_DEFAULT_RANGE_MS), to: options.now };
  for (const decl of decls.filter((d) => d.kibana)) {
    const statements = graph.statements.filter((s) => s.file === decl.ksqlFile);
    const objects = kibanaObjects(decl, resolveSinkTargets(decl, statements), statements, { timeColumns: datasetTimeColumns(decl) });
    const dashboard = String(objects.dashboard.attributes.title);
    for (const search of objects.searches) {
      const panel = String(search.attributes.title);
      try {
        const { request, shape } = kibanaSearch(search, objects.dataViews, kibanaRange);
        byPipeline.get(decl.name)!.push({ tool: 'kibana', dashboard, panel, index: request.index, range: kibanaRange, request, shape, unresolvedVariables: [] });
      } catch (e) {
        if (!(e instanceof UntranslatableSearchError)) throw e;
        problems.push(`Kibana dashboard "${dashboard}", saved search "${panel}": ${e.message}`);
      }
    }
  }

  return {
    pipelines: [...byPipeline].map(([pipeline, queries]) => ({ pipeline, queries })),
    variables: grafana.variables,
    problems,
    withoutQuery: grafana.withoutQuery.map((w) => `${w.dashboard}: ${w.panel} (${w.panelType})`),
  };
}

function argument(name: string): string | undefined {
  return process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
}

if (require.main === module) {
  const now = Number(argument('now') ?? Date.now());
  const pipelines = argument('pipelines')?.split(',') as PipelineName[] | undefined;
  const plan = panelQueryPlan({ now, pipelines });
  const summary = {
    now: new Date(now).toISOString(),
    pipelines: plan.pipelines.map((p) => ({
      pipeline: p.pipeline,
      queries: p.queries.map((q) => ({ tool: q.tool, dashboard: q.dashboard, panel: q.panel, index: q.index, body: q.request.body, ...(q.unresolvedVariables.length ? { unresolvedVariables: q.unresolvedVariables } : {}) })),
    })),
    variables: plan.variables.map((v) => ({ dashboard: v.dashboardUid, name: v.name, index: v.request.index, body: v.request.body })),
    problems: plan.problems,
    withoutQuery: plan.withoutQuery,
  };
  process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
  if (plan.problems.length) process.exitCode = 1;
}
