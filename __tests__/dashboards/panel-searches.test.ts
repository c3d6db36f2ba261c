/**
 * Every target of every dashboard the project provisions is translated, and each panel kind they
 * use (panel type and bucket structure) has a check here: a dashboard that starts using a new kind
 * fails until it is translated and checked, with a message naming the dashboard and the panel.
 */
import type { Dashboard, Panel } from '@grafana/schema';
import { validateEnabledPipelineScripts } from '../../pipelines/scripts';
import { autoIntervalMs } from '../../dashboards/grafana-search';
import { panelSearches, type PanelSearch } from '../../dashboards/panel-searches';
import { grafanaProvisioning } from '../../dashboards/provisioning';
import { PIPELINE_NAMES, PIPELINES } from '../../pipelines/catalog';

const NOW = Date.UTC(2026, 11, 7, 3, 0);
const decls = PIPELINE_NAMES.map((name) => PIPELINES[name]);
const provisioned = grafanaProvisioning(decls, validateEnabledPipelineScripts(decls).byName, 'http://elasticsearch:9200');
const planned = panelSearches(provisioned, { now: NOW });

interface TargetAgg {
  id: string;
  type: string;
  field?: string;
  settings?: Record<string, string>;
}
interface Target {
  refId: string;
  query: string;
  metrics: TargetAgg[];
  bucketAggs: TargetAgg[];
}
type Node = Record<string, Record<string, unknown>>;

/** The provisioned targets, by dashboard uid, panel title and refId, to join with the searches. */
const targets = new Map<string, { panel: Panel; target: Target }>();
for (const d of provisioned.dashboards) {
  for (const panel of (d.panels ?? []) as Panel[]) {
    for (const t of (panel.targets ?? []) as unknown as Target[]) targets.set(`${d.uid}/${panel.title}/${t.refId}`, { panel, target: t });
  }
}
const targetOf = (s: PanelSearch): Target => targets.get(`${s.dashboardUid}/${s.panel}/${s.refId}`)!.target;

/** The kind of a panel: its type and what its target asks for. */
function kindOf(s: PanelSearch): string {
  const t = targetOf(s);
  const first = t.metrics[0].type;
  return `${s.panelType}: ${['raw_data', 'raw_document', 'logs'].includes(first) ? first : t.bucketAggs.map((b) => b.type).join(' > ')}`;
}

function expectTimeFilter(s: PanelSearch): void {
  const filter = (s.search.request.body.query as { bool: { filter: unknown } }).bool.filter;
  const filters = Array.isArray(filter) ? filter : [filter];
  expect(filters[0]).toEqual({ range: { [s.datasource.timeField]: { gte: s.range.from, lte: s.range.to, format: 'epoch_millis' } } });
  const query = targetOf(s).query;
  expect(filters.slice(1)).toEqual(query ? [{ query_string: { query, analyze_wildcard: true } }] : []);
}

/** The bucket aggregations nested in the target's order, the metrics innermost; returns each level's aggregation. */
function expectNestedBuckets(s: PanelSearch): Array<Record<string, unknown>> {
  const t = targetOf(s);
  const body = s.search.request.body as { size: number; aggs: Node };
  expect(body.size).toBe(0);
  expectTimeFilter(s);
  const levels: Array<Record<string, unknown>> = [];
  let aggs: Node = body.aggs;
  for (const b of t.bucketAggs) {
    const level = aggs[b.id];
    expect(level).toBeDefined();
    const agg = level[b.type] as Record<string, unknown>;
    expect(agg.field).toBe(b.field);
    if (b.type === 'date_histogram') {
      const interval = b.settings?.interval === 'auto' ? `${autoIntervalMs(s.range)}ms` : b.settings?.interval;
      expect(agg).toMatchObject({ fixed_interval: interval, min_doc_count: Number(b.settings?.min_doc_count ?? 0), extended_bounds: { min: s.range.from, max: s.range.to } });
    } else {
      expect(agg).toMatchObject({ size: Number(b.settings?.size), min_doc_count: Number(b.settings?.min_doc_count) });
    }
    levels.push(agg);
    aggs = (level.aggs ?? {}) as Node;
  }
  const valueMetrics = t.metrics.filter((m) => m.type !== 'count');
  expect(aggs).toEqual(Object.fromEntries(valueMetrics.map((m) => [m.id, { [m.type]: { field: m.field } }])));
  expect(s.search.shape).toEqual({ kind: 'buckets', levels: t.bucketAggs.map((b) => ({ id: b.id, type: b.type })), metrics: valueMetrics.map((m) => m.id), counts: t.metrics.some((m) => m.type === 'count') });
  return levels;
}

/** A terms level ordered by a metric: by _count for a count, else by that metric, aggregated at that level too. */
function expectTermsOrder(s: PanelSearch, levelIndex: number): void {
  const t = targetOf(s);
  const b = t.bucketAggs[levelIndex];
  const metric = t.metrics.find((m) => m.id === b.settings?.orderBy);
  let node = s.search.request.body.aggs as Node;
  for (const outer of t.bucketAggs.slice(0, levelIndex)) node = node[outer.id].aggs as Node;
  const level = node[b.id];
  if (!metric || metric.type === 'count') {
    expect((level.terms as Record<string, unknown>).order).toEqual({ _count: b.settings?.order });
  } else {
    expect((level.terms as Record<string, unknown>).order).toEqual({ [metric.id]: b.settings?.order });
    expect((level.aggs as Node)[metric.id]).toEqual({ [metric.type]: { field: metric.field } });
  }
}

/** The check of each panel kind the dashboards use. */
const KIND_CHECKS: Readonly<Record<string, (s: PanelSearch) => void>> = {
  'timeseries: date_histogram': (s) => void expectNestedBuckets(s),
  'timeseries: terms > date_histogram': (s) => {
    expectNestedBuckets(s);
    expectTermsOrder(s, 0);
  },
  'stat: date_histogram': (s) => {
    const [histogram] = expectNestedBuckets(s);
    // A stat reduces per-interval values: its histogram is auto, $__interval of the panel's range.
    expect(histogram.fixed_interval).toBe(`${autoIntervalMs(s.range)}ms`);
  },
  'barchart: terms': (s) => {
    expectNestedBuckets(s);
    expectTermsOrder(s, 0);
  },
  'table: terms': (s) => {
    expectNestedBuckets(s);
    expectTermsOrder(s, 0);
  },
  'table: terms > terms': (s) => {
    expectNestedBuckets(s);
    expectTermsOrder(s, 0);
    expectTermsOrder(s, 1);
  },
  'table: raw_data': (s) => {
    const t = targetOf(s);
    const body = s.search.request.body;
    expectTimeFilter(s);
    expect(body.size).toBe(Number(t.metrics[0].settings?.size));
    expect(body.sort).toEqual({ [s.datasource.timeField]: { order: 'desc', unmapped_type: 'boolean' }, _doc: { order: 'desc' } });
    expect(body.aggs).toBeUndefined();
    expect(s.search.shape).toEqual({ kind: 'hits' });
  },
};

describe('the searches of the provisioned dashboards', () => {
  it('translate every target: none is left out', () => {
    expect(planned.problems.map((p) => `dashboard "${p.dashboard}" (${p.dashboardUid}), panel "${p.panel}": ${p.reason}`)).toEqual([]);
    expect(planned.searches).toHaveLength(targets.size);
    expect(planned.withoutQuery.map((w) => w.panelType)).toEqual(['text']);
  });

  it('send each panel to the index of its data source', () => {
    for (const s of planned.searches) {
      const ds = provisioned.datasources.find((d) => d.uid === s.datasource.uid)!;
      expect([s.dashboard, s.panel, s.search.request.index]).toEqual([s.dashboard, s.panel, ds.jsonData.index]);
    }
  });

  const byKind = new Map<string, PanelSearch[]>();
  for (const s of planned.searches) byKind.set(kindOf(s), [...(byKind.get(kindOf(s)) ?? []), s]);

  it.each([...byKind].map(([kind, searches]) => [kind, searches] as const))('panel kind "%s"', (kind, searches) => {
    const check = KIND_CHECKS[kind];
    if (!check) {
      throw new Error(`panel kind "${kind}" of ${searches.map((s) => `dashboard "${s.dashboard}" panel "${s.panel}"`).join(', ')} has no check: add one to KIND_CHECKS (and its translation to dashboards/grafana-search.ts)`);
    }
    for (const s of searches) {
      try {
        check(s);
      } catch (e) {
        throw new Error(`dashboard "${s.dashboard}" panel "${s.panel}" (${kind}): ${(e as Error).message}`);
      }
    }
  });
});

describe('panelSearches', () => {
  const ds = provisioned.datasources[0];
  const dashboard = (panels: Panel[], extra: Partial<Dashboard> = {}): Dashboard => ({ uid: 'd', title: 'D', time: { from: 'now-30m', to: 'now' }, panels, schemaVersion: 42, ...extra }) as Dashboard;
  const target = (metrics: unknown[], bucketAggs: unknown[], query = ''): Record<string, unknown> => ({ refId: 'A', datasource: { type: 'elasticsearch', uid: ds.uid }, query, metrics, bucketAggs });
  const count = [{ id: '1', type: 'count' }];
  const histogram = [{ id: '2', type: 'date_histogram', field: ds.jsonData.timeField, settings: { interval: '1m' } }];

  it("takes the dashboard's range, or the panel's own timeFrom back from now", () => {
    const panels = [
      { id: 1, type: 'timeseries', title: 'dashboard range', targets: [target(count, histogram)] },
      { id: 2, type: 'stat', title: 'own range', timeFrom: '7d', targets: [target(count, histogram)] },
    ] as Panel[];
    const { searches } = panelSearches({ datasources: provisioned.datasources, dashboards: [dashboard(panels)] }, { now: NOW });
    expect(searches.map((s) => [s.panel, s.range])).toEqual([
      ['dashboard range', { from: NOW - 30 * 60_000, to: NOW }],
      ['own range', { from: NOW - 7 * 86_400_000, to: NOW }],
    ]);
  });

  it('reports what it cannot translate with dashboard and panel, and skips hidden targets', () => {
    const panels = [
      { id: 1, type: 'histogram', title: 'Byte sizes', targets: [target(count, [{ id: '3', type: 'histogram', field: 'BYTES' }])] },
      { id: 2, type: 'table', title: 'Elsewhere', targets: [{ ...target(count, histogram), datasource: { type: 'prometheus', uid: 'prom' } }] },
      { id: 3, type: 'table', title: 'Hidden', targets: [{ ...target(count, [{ id: '3', type: 'histogram' }]), hide: true }] },
      { id: 4, type: 'timeseries', title: 'Monthly', timeFrom: '1M', targets: [target(count, histogram)] },
    ] as Panel[];
    const { searches, problems } = panelSearches({ datasources: provisioned.datasources, dashboards: [dashboard(panels)] }, { now: NOW });
    expect(searches).toEqual([]);
    expect(problems.map((p) => `${p.dashboard}/${p.panel}: ${p.reason}`)).toEqual([
      'D/Byte sizes: bucket aggregation 3 is a histogram, which is not translated (translated: date_histogram, terms)',
      'D/Elsewhere: its data source {"type":"prometheus","uid":"prom"} is not a provisioned Elasticsearch data source',
      'D/Monthly: time span "1M" is not a number of s, m, h, d or w',
    ]);
  });

  it('fills in variable values, and lists the variables a query still needs', () => {
    const field = ds.jsonData.timeField;
    const templating = { list: [{ type: 'query', name: 'pair', datasource: { type: 'elasticsearch', uid: ds.uid }, query: JSON.stringify({ find: 'terms', field, size: 500 }) }] };
    const d = dashboard([{ id: 1, type: 'table', title: 'T', targets: [target([{ id: '1', type: 'raw_data', settings: { size: '5' } }], [], 'P:$pair')] }] as Panel[], { templating } as Partial<Dashboard>);
    const before = panelSearches({ datasources: provisioned.datasources, dashboards: [d] }, { now: NOW });
    expect(before.searches[0].unresolvedVariables).toEqual(['pair']);
    expect(before.variables.map((v) => [v.dashboardUid, v.name, v.request.index])).toEqual([['d', 'pair', ds.jsonData.index]]);
    const after = panelSearches({ datasources: provisioned.datasources, dashboards: [d] }, { now: NOW, variableValues: new Map([['d', new Map([['pair', ['x', 'y']]])]]) });
    expect(after.searches[0].unresolvedVariables).toEqual([]);
    expect(JSON.stringify(after.searches[0].search.request.body.query)).toContain('"P:(\\"x\\" OR \\"y\\")"');
  });
});
