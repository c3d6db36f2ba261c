/**
 * Every search the provisioned Grafana dashboards make, read from the dashboards and data sources
 * as provisioned (dashboards/provisioning.ts): per panel target, the request Grafana sends over the
 * time range the panel shows at a given instant (the dashboard's range, or the panel's own
 * `timeFrom`), and per query variable the terms request that lists its values. A target that cannot
 * be translated is reported with its dashboard and panel, never skipped in silence.
 */
import type { Dashboard, Panel, RowPanel } from '@grafana/schema';
import type { TimeRange, SearchRequest } from '../lib/search-request';
import { autoIntervalMs, grafanaSearch, UntranslatableTargetError, variableSearch, variablesIn, type GrafanaDatasource, type GrafanaSearch } from './grafana-search';
import type { ProvisionedDatasource } from './provisioning';

export interface PanelSearch {
  readonly dashboardUid: string;
  readonly dashboard: string;
  readonly panel: string;
  /** Grafana's panel plugin: timeseries, table, stat, barchart... */
  readonly panelType: string;
  readonly refId: string;
  readonly datasource: GrafanaDatasource;
  readonly range: TimeRange;
  /** Dashboard variables the query names that were given no values: its request matches nothing useful. */
  readonly unresolvedVariables: readonly string[];
  readonly search: GrafanaSearch;
}

/** A panel whose query is not translated (or not readable), and why. */
export interface PanelSearchProblem {
  readonly dashboardUid: string;
  readonly dashboard: string;
  readonly panel: string;
  readonly reason: string;
}

/** The terms request of one query variable, whose answer gives its values (grafana-search.ts variableValues). */
export interface VariableSearch {
  readonly dashboardUid: string;
  readonly name: string;
  readonly request: SearchRequest;
}

export interface PanelSearches {
  readonly searches: readonly PanelSearch[];
  readonly problems: readonly PanelSearchProblem[];
  readonly variables: readonly VariableSearch[];
  /** Panels that query nothing (text panels): dashboard title and panel title. */
  readonly withoutQuery: ReadonlyArray<{ readonly dashboard: string; readonly panel: string; readonly panelType: string }>;
}

export interface PanelSearchOptions {
  /** The instant the dashboards are looked at, epoch milliseconds: `now` of their ranges. */
  readonly now: number;
  /** Values of variables by dashboard uid, then name (All expanded to every value). */
  readonly variableValues?: ReadonlyMap<string, ReadonlyMap<string, readonly string[]>>;
  /** Points a panel draws, for the auto interval; see autoIntervalMs. */
  readonly maxDataPoints?: number;
}

export interface ProvisionedGrafana {
  readonly datasources: readonly ProvisionedDatasource[];
  readonly dashboards: readonly Dashboard[];
}

const UNIT_MS: Readonly<Record<string, number>> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** `5m`, `24h`, `7d`: a span of fixed length (months and years have none, and are refused). */
function spanMs(span: string): number {
  const m = /^(\d+)([smhdw])$/.exec(span);
  if (!m) throw new UntranslatableTargetError(`time span "${span}" is not a number of s, m, h, d or w`);
  return Number(m[1]) * UNIT_MS[m[2]];
}

/** `now` or `now-<span>` at the given instant (rounding such as now/d is refused). */
function relativeInstant(expression: string, now: number): number {
  if (expression === 'now') return now;
  const m = /^now-(.+)$/.exec(expression);
  if (!m) throw new UntranslatableTargetError(`time "${expression}" is not now or now-<span>`);
  return now - spanMs(m[1]);
}

/** The dashboard's time range at the instant (Grafana's default, the last 6 hours, when it has none). */
export function dashboardRange(dashboard: Dashboard, now: number): TimeRange {
  const time = dashboard.time ?? { from: 'now-6h', to: 'now' };
  return { from: relativeInstant(time.from, now), to: relativeInstant(time.to, now) };
}

/** The range a panel shows: its own `timeFrom` back from now, else the dashboard's range. */
export function panelRange(dashboard: Dashboard, panel: Panel, now: number): TimeRange {
  return panel.timeFrom ? { from: now - spanMs(panel.timeFrom), to: now } : dashboardRange(dashboard, now);
}

/** Panels, with those inside collapsed rows (the lab's dashboards have none, but Grafana allows them). */
function panelsOf(dashboard: Dashboard): Panel[] {
  return (dashboard.panels ?? []).flatMap((p: Panel | RowPanel): Panel[] => (p.type === 'row' ? ((p as RowPanel).panels ?? []) : [p as Panel]));
}

function datasourceOf(uid: unknown, byUid: ReadonlyMap<string, ProvisionedDatasource>): GrafanaDatasource | undefined {
  const ds = typeof uid === 'string' ? byUid.get(uid) : undefined;
  return ds && { uid: ds.uid, index: ds.jsonData.index, timeField: ds.jsonData.timeField };
}

const uidOf = (ref: unknown): unknown => (typeof ref === 'object' && ref !== null ? (ref as { uid?: unknown }).uid : undefined);

/** Every panel target's search and every variable's, over the provisioned dashboards. */
export function panelSearches(provisioned: ProvisionedGrafana, options: PanelSearchOptions): PanelSearches {
  const byUid = new Map(provisioned.datasources.map((d) => [d.uid, d]));
  const searches: PanelSearch[] = [];
  const problems: PanelSearchProblem[] = [];
  const variables: VariableSearch[] = [];
  const withoutQuery: Array<{ dashboard: string; panel: string; panelType: string }> = [];
  for (const dashboard of provisioned.dashboards) {
    const dashboardUid = dashboard.uid ?? '';
    const title = dashboard.title ?? dashboardUid;
    const values = options.variableValues?.get(dashboardUid) ?? new Map<string, readonly string[]>();
    const names = new Set((dashboard.templating?.list ?? []).map((v) => v.name));
    const fail = (panel: string, reason: string): void => void problems.push({ dashboardUid, dashboard: title, panel, reason });

    for (const v of dashboard.templating?.list ?? []) {
      const ds = datasourceOf(uidOf(v.datasource), byUid);
      if (v.type !== 'query' || typeof v.query !== 'string' || !ds) {
        fail(`variable ${v.name}`, `a ${v.type} variable${ds ? '' : ' without a provisioned Elasticsearch data source'}: only terms query variables are translated`);
        continue;
      }
      try {
        variables.push({ dashboardUid, name: v.name, request: variableSearch(v.query, ds, dashboardRange(dashboard, options.now)) });
      } catch (e) {
        fail(`variable ${v.name}`, (e as Error).message);
      }
    }

    for (const panel of panelsOf(dashboard)) {
      const panelTitle = panel.title ?? `(panel ${panel.id})`;
      const targets = panel.targets ?? [];
      if (targets.length === 0 && panel.datasource === undefined) {
        withoutQuery.push({ dashboard: title, panel: panelTitle, panelType: panel.type });
        continue;
      }
      if (targets.length === 0) fail(panelTitle, 'it has a data source but no target');
      for (const target of targets) {
        // A hidden target is not run by Grafana: nothing of it is drawn.
        if (target.hide === true) continue;
        const ds = datasourceOf(uidOf(target.datasource ?? panel.datasource), byUid);
        if (!ds) {
          fail(panelTitle, `its data source ${JSON.stringify(target.datasource ?? panel.datasource)} is not a provisioned Elasticsearch data source`);
          continue;
        }
        try {
          const range = panelRange(dashboard, panel, options.now);
          const query = typeof target.query === 'string' ? target.query : '';
          searches.push({
            dashboardUid,
            dashboard: title,
            panel: panelTitle,
            panelType: panel.type,
            refId: typeof target.refId === 'string' ? target.refId : '',
            datasource: ds,
            range,
            unresolvedVariables: variablesIn(query).filter((n) => names.has(n) && !values.has(n)),
            search: grafanaSearch(target, ds, { range, intervalMs: autoIntervalMs(range, options.maxDataPoints), variables: values }),
          });
        } catch (e) {
          if (!(e instanceof UntranslatableTargetError)) throw e;
          fail(panelTitle, e.message);
        }
      }
    }
  }
  return { searches, problems, variables, withoutQuery };
}
