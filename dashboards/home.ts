/**
 * The home dashboard: a link to every enabled pipeline's dashboard and, per pipeline, whether
 * data arrived lately (documents of its arrival sink in the last minutes: red at none).
 */
import type { Dashboard, Panel } from '@grafana/schema';
import { dashboardPath, dashboardUid, HOME_UID, LAB_TAG, SCHEMA_VERSION, urlLink } from './dashboard';
import { flowLayout, grafanaPanel, GRID_COLUMNS, type QueryableSource } from './panels';
import type { DashboardDecl, StatPanel } from './types';

/** How far back the arrival check looks. */
export const ARRIVAL_WINDOW = '5m';

const LINKS_HEIGHT = 7;
const ARRIVAL_SIZE = { width: 6, height: 5 };

function linksPanel(dashboards: readonly DashboardDecl[]): Panel {
  const lines = dashboards.map((d) => `- [${d.title}](${dashboardPath(dashboardUid(d.pipeline))}) (${d.pipeline}): ${d.description}`);
  return {
    id: 1,
    type: 'text',
    title: 'Pipeline dashboards',
    gridPos: { x: 0, y: 0, w: GRID_COLUMNS, h: LINKS_HEIGHT },
    options: { mode: 'markdown', content: lines.join('\n') },
  };
}

function arrivalPanel(id: number, decl: DashboardDecl, source: QueryableSource, gridPos: NonNullable<Panel['gridPos']>): Panel {
  const stat: StatPanel = {
    kind: 'stat',
    title: `${decl.pipeline}: new ${source.index} documents`,
    description: `Documents with ${source.timeField} in the last ${ARRIVAL_WINDOW}: red means no data arrived. Opens the ${decl.title} dashboard`,
    sink: source.object,
    metric: { fn: 'count' },
    timeFrom: ARRIVAL_WINDOW,
    redWhenZero: true,
    ...ARRIVAL_SIZE,
  };
  return { ...grafanaPanel(id, gridPos, stat, source), links: [urlLink(decl.title, dashboardPath(dashboardUid(decl.pipeline)))] };
}

/**
 * `arrival` maps each dashboard's pipeline to its arrival sink's source (checked queryable by
 * dashboardProblems before).
 */
export function homeDashboard(dashboards: readonly DashboardDecl[], arrival: ReadonlyMap<string, QueryableSource>): Dashboard {
  const positions = flowLayout(dashboards.map(() => ARRIVAL_SIZE), LINKS_HEIGHT);
  return {
    uid: HOME_UID,
    title: 'Streaming analytics lab',
    description: 'Every pipeline dashboard, and whether each pipeline received data in the last minutes',
    tags: [LAB_TAG],
    schemaVersion: SCHEMA_VERSION,
    editable: false,
    timezone: 'browser',
    time: { from: 'now-15m', to: 'now' },
    refresh: '10s',
    links: [{ title: 'Lab dashboards', type: 'dashboards', tags: [LAB_TAG], asDropdown: true, icon: 'external link', includeVars: false, keepTime: true, targetBlank: false, tooltip: '' }],
    templating: { list: [] },
    annotations: { list: [] },
    panels: [
      linksPanel(dashboards),
      ...dashboards.map((d, i) => {
        const source = arrival.get(d.pipeline);
        if (!source) throw new Error(`no arrival source for ${d.pipeline}: pass one per dashboard`);
        return arrivalPanel(i + 2, d, source, positions[i]);
      }),
    ],
  };
}
