/**
 * The provisioned dashboards as the stack writes them into Grafana: a readable snapshot of each,
 * and what Grafana 13.2.3 needs to load them (the schema version of its @grafana/schema, core
 * panel types, panels that do not overlap, data sources that exist).
 */
import { readdirSync, existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { defaultDashboard, type GridPos } from '@grafana/schema';
import { DEFAULT_IMAGES } from '../../config/defaults';
import { dashboardUid, HOME_UID } from '../../dashboards/dashboard';
import { DASHBOARD_PROVIDER_FILE, DASHBOARDS_DIR, DATASOURCES_FILE, HOME_DASHBOARD_PATH } from '../../dashboards/provisioning';
import { PIPELINE_NAMES, PIPELINES } from '../../pipelines/catalog';
import { configWith, resourcesOf, synthStack } from '../support/synth';
import { datasourceUids, panelsOf, provisioningOf } from './support';

const schemaDir = dirname(require.resolve('@grafana/schema/package.json'));
const defaultProvisioning = provisioningOf(synthStack(configWith({})));

/** Panel plugins whose options @grafana/schema publishes: Grafana's core panels of that release. */
const CORE_PANEL_TYPES = readdirSync(join(schemaDir, 'dist/types/raw/composable')).filter((d) => existsSync(join(schemaDir, 'dist/types/raw/composable', d, 'panelcfg')));

function overlaps(a: GridPos, b: GridPos): boolean {
  return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

describe('the provisioned dashboards', () => {
  it.each(defaultProvisioning.dashboards.map((d) => [d.uid, d] as const))('%s matches the reviewed dashboard', (_uid, dashboard) => {
    expect(dashboard).toMatchSnapshot();
  });

  it('are the home dashboard and one per pipeline, all in the provider folder', () => {
    expect(defaultProvisioning.dashboards.map((d) => d.uid)).toEqual([HOME_UID, ...PIPELINE_NAMES.map(dashboardUid)]);
    expect(defaultProvisioning.provider.providers.map((p) => p.options.path)).toEqual([DASHBOARDS_DIR]);
    expect(HOME_DASHBOARD_PATH).toBe(`${DASHBOARDS_DIR}/${HOME_UID}.json`);
  });
});

describe.each(defaultProvisioning.dashboards.map((d) => [d.uid, d] as const))('dashboard %s is valid for Grafana 13.2.3', (_uid, dashboard) => {
  const panels = panelsOf(dashboard);

  it('has the schema version of the pinned Grafana', () => {
    expect(dashboard.schemaVersion).toBe(defaultDashboard.schemaVersion);
    expect(dashboard.schemaVersion).toBeGreaterThanOrEqual(42);
  });

  it('uses core panel types only', () => {
    for (const p of panels) expect(CORE_PANEL_TYPES).toContain(p.type);
  });

  it('has panels within the 24-column grid that do not overlap, with distinct ids', () => {
    const positions = panels.map((p) => p.gridPos!);
    for (const g of positions) {
      expect(g.x).toBeGreaterThanOrEqual(0);
      expect(g.x + g.w).toBeLessThanOrEqual(24);
    }
    positions.forEach((a, i) => positions.slice(i + 1).forEach((b) => expect([a, b, overlaps(a, b)]).toEqual([a, b, false])));
    expect(new Set(panels.map((p) => p.id)).size).toBe(panels.length);
  });

  it('names only data sources that are provisioned', () => {
    const provisioned = defaultProvisioning.datasources.map((d) => d.uid);
    for (const uid of datasourceUids(dashboard)) expect(provisioned).toContain(uid);
  });

  it('has a stable uid Grafana accepts', () => {
    expect(dashboard.uid).toMatch(/^[a-zA-Z0-9_-]{1,40}$/);
  });
});

describe('the checks above', () => {
  it('see overlapping panels', () => {
    expect(overlaps({ x: 0, y: 0, w: 12, h: 8 }, { x: 11, y: 7, w: 4, h: 4 })).toBe(true);
    expect(overlaps({ x: 0, y: 0, w: 12, h: 8 }, { x: 12, y: 0, w: 12, h: 8 })).toBe(false);
  });

  it('know the core panel types of the pinned package, and not a plugin panel', () => {
    expect(CORE_PANEL_TYPES).toEqual(expect.arrayContaining(['timeseries', 'table', 'stat', 'barchart', 'text']));
    expect(CORE_PANEL_TYPES).not.toContain('grafana-clock-panel');
  });
});

describe('the Grafana pin', () => {
  it('is the version of @grafana/schema, which types the dashboards', () => {
    const schemaVersion = (JSON.parse(readFileSync(join(schemaDir, 'package.json'), 'utf8')) as { version: string }).version;
    const pinned = (JSON.parse(readFileSync(join(__dirname, '../../package.json'), 'utf8')) as { dependencies: Record<string, string> }).dependencies['@grafana/schema'];
    expect(pinned).toBe(schemaVersion);
    expect(DEFAULT_IMAGES.grafana).toBe(`grafana/grafana:${schemaVersion}`);
  });
});

describe('the home dashboard', () => {
  const homeOf = (pipelines: Parameters<typeof configWith>[0]) => provisioningOf(synthStack(configWith(pipelines))).dashboards.find((d) => d.uid === HOME_UID)!;

  it("links every enabled pipeline's dashboard and checks its arrivals", () => {
    const home = homeOf({});
    const text = JSON.stringify(home);
    for (const p of PIPELINE_NAMES) expect(text).toContain(`/d/${dashboardUid(p)}`);
    const arrivals = panelsOf(home).filter((p) => p.type === 'stat');
    expect(arrivals.map((p) => p.datasource?.uid)).toEqual(PIPELINE_NAMES.map((p) => `es-${PIPELINES[p].dashboard.arrival.toLowerCase()}`));
    expect(arrivals.every((p) => p.timeFrom === '5m')).toBe(true);
  });

  it('lists only the enabled pipelines', () => {
    const home = homeOf({ pipelines: ['ratings', 'shop'] });
    expect(JSON.stringify(home)).not.toContain(dashboardUid('clickstream'));
    expect(panelsOf(home).filter((p) => p.type === 'stat')).toHaveLength(2);
  });
});

it('writes provisioning configs without "$", which Grafana would expand as environment variables', () => {
  const grafana = Object.values(resourcesOf(synthStack(configWith({})), 'docker_container')).find((c) => c.hostname === 'grafana')!;
  const configs = (grafana.upload as Array<{ file: string; content: string }>).filter((u) => [DATASOURCES_FILE, DASHBOARD_PROVIDER_FILE].includes(u.file));
  expect(configs).toHaveLength(2);
  for (const c of configs) expect(c.content).not.toContain('$');
});

it('writes no dashboard the stack does not provision (only the enabled pipelines)', () => {
  const tf = synthStack(configWith({ pipelines: ['ratings'] }));
  const { dashboards, datasources } = provisioningOf(tf);
  expect(dashboards.map((d) => d.uid)).toEqual([HOME_UID, dashboardUid('ratings')]);
  expect(datasources.map((d) => d.jsonData.index).sort()).toEqual(['bad_ratings', 'product_rating_ranking']);
  expect(Object.keys(resourcesOf(tf, 'docker_container'))).toContain('grafana');
});
