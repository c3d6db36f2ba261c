/**
 * A pipeline's Grafana dashboard from its declaration: checked against what the pipeline's sinks
 * really write (every problem reported at once, naming the dashboard, the panel and the fix), then
 * generated as the classic dashboard JSON model of @grafana/schema.
 */
import { defaultDashboard, VariableRefresh, VariableSort, type Dashboard, type DashboardLink, type VariableModel } from '@grafana/schema';
import { ProblemListError } from '../lib/problem-list-error';
import { datasourceRef, metricFields } from './elasticsearch-query';
import { flowLayout, grafanaPanel, GRID_COLUMNS, type QueryableSource } from './panels';
import type { SinkSource } from './sink-sources';
import type { DashboardDecl, PanelDecl } from './types';

/** The schema version of the dashboard model that @grafana/schema (pinned to the Grafana release) writes. */
export const SCHEMA_VERSION = defaultDashboard.schemaVersion ?? 0;

/** Tag of every dashboard the lab provisions: the home dashboard's list of links shows these. */
export const LAB_TAG = 'streaming-analytics-lab';
export const HOME_UID = 'lab-home';

export function dashboardUid(pipeline: string): string {
  return `lab-${pipeline}`;
}

/** Where a dashboard opens, relative to Grafana's root URL. */
export function dashboardPath(uid: string): string {
  return `/d/${uid}`;
}

export class DashboardDeclarationError extends ProblemListError {
  constructor(readonly problems: readonly string[]) {
    super('Grafana dashboards failed validation', problems);
    this.name = 'DashboardDeclarationError';
  }
}

/** Every document field a panel reads, filters, groups or sorts on. */
export function panelFields(panel: PanelDecl): string[] {
  const where = (panel.where ?? []).map((c) => c.field);
  switch (panel.kind) {
    case 'timeseries':
      return [...metricFields(panel.metrics), ...(panel.splitBy ? [panel.splitBy.field] : []), ...where];
    case 'table':
      return [...panel.columns, panel.sortBy.field, ...(panel.highlight ? [panel.highlight.field] : []), ...where];
    case 'grouped-table':
      return [...panel.groupBy, ...metricFields(panel.metrics), ...where];
    case 'bars':
      return [panel.groupBy, ...metricFields([panel.metric]), ...where];
    case 'stat':
      return [...metricFields([panel.metric]), ...where];
  }
}

/** What is wrong with a dashboard declaration against the sinks of the enabled pipelines (empty when nothing). */
export function dashboardProblems(decl: DashboardDecl, sources: ReadonlyMap<string, SinkSource>): string[] {
  const where = `dashboards/${decl.pipeline}.ts`;
  const problems: string[] = [];
  const sinkOf = (what: string, object: string): SinkSource | undefined => {
    const source = sources.get(object);
    if (!source || source.pipeline !== decl.pipeline) {
      problems.push(`${where}: ${what} reads ${object}, which is no sink of the ${decl.pipeline} pipeline — add it to its sinks in pipelines/catalog.ts, or read one of them`);
      return undefined;
    }
    if (!source.timeField) {
      problems.push(`${where}: ${what} reads ${object}, whose documents have no date field for Grafana's time filter — add a *_TS or window column to ${object}, or read another sink`);
      return undefined;
    }
    return source;
  };
  const checkFields = (what: string, source: SinkSource, fields: readonly string[]): void => {
    for (const field of new Set(fields)) {
      if (!source.fields.includes(field)) {
        problems.push(`${where}: ${what} uses field ${field}, which ${source.object}'s documents do not have (they have ${source.fields.join(', ')}) — use one of those`);
      }
    }
  };
  sinkOf('the arrival check', decl.arrival);
  const variables = new Set((decl.variables ?? []).map((v) => v.name));
  for (const v of decl.variables ?? []) {
    const source = sinkOf(`variable ${v.name}`, v.sink);
    if (source) checkFields(`variable ${v.name}`, source, [v.field]);
  }
  for (const panel of decl.panels) {
    const what = `panel "${panel.title}"`;
    const source = sinkOf(what, panel.sink);
    if (source) checkFields(what, source, panelFields(panel));
    if (!Number.isInteger(panel.width) || panel.width < 1 || panel.width > GRID_COLUMNS) problems.push(`${where}: ${what} is ${panel.width} wide — use 1 to ${GRID_COLUMNS} columns`);
    for (const c of panel.where ?? []) {
      if ('variable' in c && !variables.has(c.variable)) problems.push(`${where}: ${what} filters on variable ${c.variable}, which the dashboard does not declare — add it to variables`);
    }
  }
  return problems;
}

/** The source of a sink, known to be queryable once dashboardProblems found nothing. */
function queryable(sources: ReadonlyMap<string, SinkSource>, object: string): QueryableSource {
  const source = sources.get(object);
  if (!source?.timeField) throw new Error(`sink ${object} has no queryable source: run dashboardProblems first`);
  return source as QueryableSource;
}

/** A link to a URL (in the dashboard's links, or a panel's). */
export function urlLink(title: string, url: string, tooltip = ''): DashboardLink {
  return { title, type: 'link', url, icon: 'dashboard', tooltip, asDropdown: false, includeVars: false, keepTime: true, tags: [], targetBlank: false };
}

export function homeLink(): DashboardLink {
  return urlLink('All lab dashboards', dashboardPath(HOME_UID), 'The home dashboard');
}

function termsVariable(decl: NonNullable<DashboardDecl['variables']>[number], sources: ReadonlyMap<string, SinkSource>): VariableModel {
  return {
    type: 'query',
    name: decl.name,
    label: decl.label,
    datasource: datasourceRef(queryable(sources, decl.sink).datasourceUid),
    query: JSON.stringify({ find: 'terms', field: decl.field, size: 500 }),
    refresh: VariableRefresh.onTimeRangeChanged,
    sort: VariableSort.alphabeticalAsc,
    multi: true,
    includeAll: true,
    // All values at first: the panels show every suspect until the viewer picks some.
    current: { text: 'All', value: '$__all' },
  };
}

/** The dashboard of one pipeline; throws DashboardDeclarationError listing every problem. */
export function pipelineDashboard(decl: DashboardDecl, sources: ReadonlyMap<string, SinkSource>): Dashboard {
  const problems = dashboardProblems(decl, sources);
  if (problems.length) throw new DashboardDeclarationError(problems);
  const positions = flowLayout(decl.panels);
  return {
    uid: dashboardUid(decl.pipeline),
    title: decl.title,
    description: decl.description,
    tags: [LAB_TAG, decl.pipeline],
    schemaVersion: SCHEMA_VERSION,
    editable: false,
    timezone: 'browser',
    time: { from: decl.from ?? 'now-30m', to: 'now' },
    refresh: '10s',
    links: [homeLink()],
    templating: { list: (decl.variables ?? []).map((v) => termsVariable(v, sources)) },
    annotations: { list: [] },
    panels: decl.panels.map((p, i) => grafanaPanel(i + 1, positions[i], p, queryable(sources, p.sink))),
  };
}
