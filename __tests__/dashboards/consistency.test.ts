/**
 * Every dashboard shows what the pipeline produces: its indices are written by a sink connector of
 * the stack, every field a panel uses is a value column of the ksqlDB object behind it (per
 * ksql-language/columns.ts: a table's key columns are not in its documents), every time field is typed
 * as a date by the pipeline's synthesized index template, and every pipeline has a dashboard.
 */
import { validateEnabledPipelineScripts } from '../../pipelines/scripts';
import { dashboardProblems, panelFields } from '../../dashboards/dashboard';
import { CLICKSTREAM_DASHBOARD, HIGH_BANDWIDTH_BYTES } from '../../dashboards/clickstream';
import { BANK_TRANSACTIONS_DASHBOARD, DAILY_WITHDRAWAL_LIMIT } from '../../dashboards/bank-transactions';
import { ERROR_ANOMALY_THRESHOLD } from '../../dashboards/server-logs';
import { STRUCTURING_LIMIT } from '../../dashboards/payments';
import { sinkSources } from '../../dashboards/sink-sources';
import type { DashboardDecl } from '../../dashboards/types';
import { valueColumns } from '../../ksql-language/columns';
import { PIPELINE_NAMES, PIPELINES } from '../../pipelines/catalog';
import { configWith, resourcesOf, synthStack, type Json } from '../support/synth';
import { provisioningOf } from './support';

const pipelines = Object.values(PIPELINES);
const graph = validateEnabledPipelineScripts(pipelines);
const tf = synthStack(configWith({}));
const { datasources } = provisioningOf(tf);

/** The specs of the stack's REST objects whose Terraform id starts with `prefix`. */
function restSpecs<T>(prefix: string): T[] {
  return Object.entries(resourcesOf(tf, 'terraform_data'))
    .filter(([id]) => id.startsWith(prefix))
    .map(([, r]) => JSON.parse((r.input as { spec: string }).spec) as T);
}

const connectors = restSpecs<{ config: Record<string, string> }>('connect_es-sink-');
interface TemplateSpec {
  body: { index_patterns: string[]; template: { mappings: { dynamic_templates: Array<Record<string, { match?: string; mapping: { type: string } }>> } } };
}
const templates = restSpecs<TemplateSpec>('elasticsearch_');

/** Whether the synthesized template of `index` maps `field` as a date (its Java (?i) regex, matched whole). */
function typedAsDate(index: string, field: string): boolean {
  const template = templates.find((t) => t.body.index_patterns.includes(index));
  const rules = (template?.body.template.mappings.dynamic_templates ?? []).flatMap((d) => Object.values(d));
  return rules.some((r) => r.mapping.type === 'date' && r.match !== undefined && new RegExp(`^(?:${r.match.replace(/^\(\?i\)/, '')})$`, 'i').test(field));
}

const decls = PIPELINE_NAMES.map((name) => ({ ...PIPELINES[name].dashboard, pipeline: name }));

it('gives every pipeline a dashboard of its own', () => {
  const shared = pipelines.filter((p, i) => pipelines.findIndex((o) => o.dashboard.title === p.dashboard.title) !== i);
  expect(shared.map((p) => `${p.name}'s dashboard has the title of another pipeline's — give pipelines/${p.name}.ts a dashboard of its own`)).toEqual([]);
});

describe.each(decls.map((d) => [d.pipeline, d] as const))('the %s dashboard', (_name, decl) => {
  const sinks = [decl.arrival, ...decl.panels.map((p) => p.sink), ...(decl.variables ?? []).map((v) => v.sink)];

  it('reads only sinks of its own pipeline', () => {
    for (const sink of sinks) expect(PIPELINES[decl.pipeline].sinks.map((s) => s.object)).toContain(sink);
  });

  it('names only fields that the ksqlDB object behind each panel writes into its documents', () => {
    for (const panel of decl.panels) {
      const columns = valueColumns(graph.byName.get(panel.sink)!, graph.byName);
      for (const field of panelFields(panel)) expect([panel.title, field, columns.includes(field)]).toEqual([panel.title, field, true]);
    }
    for (const v of decl.variables ?? []) expect(valueColumns(graph.byName.get(v.sink)!, graph.byName)).toContain(v.field);
  });

  it('reads indices that a sink connector of the stack writes', () => {
    const written = connectors.map((c) => c.config['transforms.toIndex.replacement']);
    for (const sink of sinks) {
      const datasource = datasources.find((d) => d.uid === `es-${sink.toLowerCase()}`);
      expect(datasource && written).toContain(datasource?.jsonData.index);
    }
  });
});

describe('the data sources', () => {
  it('filter on a field the index template types as a date, which the object writes', () => {
    expect(datasources.length).toBeGreaterThan(0);
    for (const d of datasources) {
      expect([d.jsonData.index, d.jsonData.timeField, typedAsDate(d.jsonData.index, d.jsonData.timeField)]).toEqual([d.jsonData.index, d.jsonData.timeField, true]);
      const object = d.jsonData.index.toUpperCase();
      expect(valueColumns(graph.byName.get(object)!, graph.byName)).toContain(d.jsonData.timeField);
    }
  });

  it("read the template's rule as Elasticsearch does (a number column is no date, a dataset time column is)", () => {
    expect(typedAsDate('bad_ratings', 'STARS')).toBe(false);
    expect(typedAsDate('bad_ratings', 'ts')).toBe(true);
    expect(typedAsDate('payments_all_formats', 'CREATED_AT')).toBe(true);
    expect(typedAsDate('events_per_min', 'CREATED_AT')).toBe(false);
  });

  it('exist for every sink whose documents carry a date, with distinct uids Grafana accepts', () => {
    const sources = sinkSources(pipelines, graph.byName);
    expect(datasources.map((d) => d.uid).sort()).toEqual(sources.filter((s) => s.timeField).map((s) => s.datasourceUid).sort());
    // MOODLE_USER_ACTIVITY sums sessions per user with no time column: no dashboard can read it.
    expect(sources.filter((s) => !s.timeField).map((s) => s.object)).toEqual(['MOODLE_USER_ACTIVITY']);
    for (const d of datasources) expect(d.uid).toMatch(/^[a-zA-Z0-9_-]{1,40}$/);
    expect(new Set(datasources.map((d) => d.uid)).size).toBe(datasources.length);
  });

  it('read Elasticsearch on the lab network, with no credentials', () => {
    for (const d of datasources) expect(d).toEqual({ ...d, url: 'http://elasticsearch:9200', access: 'proxy' });
    expect(JSON.stringify(datasources)).not.toMatch(/password|secure/i);
  });
});

describe('thresholds drawn on dashboards', () => {
  const statement = (name: string): string => graph.byName.get(name)!.statement;

  it("are the ksqlDB statements' own limits", () => {
    expect(statement('HIGH_BANDWIDTH_SESSIONS')).toContain(`HAVING SUM(BYTES) > ${HIGH_BANDWIDTH_BYTES}`);
    expect(statement('SERVER_ERROR_ANOMALIES')).toContain(`HAVING COUNT(*) >= ${ERROR_ANOMALY_THRESHOLD}`);
    expect(statement('SUSPICIOUS_WITHDRAWAL_USERS')).toContain(`HAVING SUM(AMOUNT) > ${DAILY_WITHDRAWAL_LIMIT}`);
    expect(statement('PAYMENT_STRUCTURING_ALERTS')).toContain(`HAVING SUM(PAYMENT_AMOUNT) > ${STRUCTURING_LIMIT}`);
  });

  it('include the 500 MB line on the high-bandwidth sessions panel', () => {
    const panel = CLICKSTREAM_DASHBOARD.panels.find((p) => p.sink === 'HIGH_BANDWIDTH_SESSIONS' && p.kind === 'timeseries');
    expect(panel && panel.kind === 'timeseries' && panel.threshold).toBe(500_000_000);
  });
});

describe('dashboardProblems', () => {
  const sources = new Map(sinkSources(pipelines, graph.byName).map((s) => [s.object, s]));
  const withPanel = (patch: Json): DashboardDecl => ({ ...PIPELINES['bank-transactions'].dashboard, panels: [{ ...BANK_TRANSACTIONS_DASHBOARD.panels[0], ...patch } as DashboardDecl['panels'][number]] });

  it('finds nothing in the declared dashboards', () => {
    expect(decls.flatMap((d) => dashboardProblems(d, sources))).toEqual([]);
  });

  it("reports a field the object does not write, such as a table's key column", () => {
    // USER_ID is the key of BANK_TRANSACTIONS, which LARGE_WITHDRAWALS (SELECT *) keeps as its key: not in the documents.
    expect(dashboardProblems(withPanel({ columns: ['TS', 'USER_ID'] }), sources)).toEqual([
      expect.stringMatching(/^dashboards\/bank-transactions\.ts: panel "Large withdrawals" uses field USER_ID, which LARGE_WITHDRAWALS's documents do not have \(they have TXN_ID, ACCOUNT_ID, TYPE, AMOUNT, TS\) — use one of those$/),
    ]);
  });

  it("reports a sink of another pipeline, one without a date field, and an undeclared variable", () => {
    expect(dashboardProblems(withPanel({ sink: 'BAD_RATINGS' }), sources)[0]).toContain('reads BAD_RATINGS, which is no sink of the bank-transactions pipeline');
    const moodle = { ...PIPELINES.moodle.dashboard, panels: [{ ...PIPELINES.moodle.dashboard.panels[0], sink: 'MOODLE_USER_ACTIVITY' }] } as DashboardDecl;
    expect(dashboardProblems(moodle, sources)[0]).toContain('MOODLE_USER_ACTIVITY, whose documents have no date field');
    expect(dashboardProblems(withPanel({ where: [{ field: 'TS', variable: 'user' }] }), sources)).toEqual([expect.stringContaining('filters on variable user, which the dashboard does not declare')]);
  });
});
