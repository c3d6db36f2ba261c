/** The README's dashboard table is the one rendered from the pipelines' dashboards, at the default URL. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_CONFIG } from '../../config/defaults';
import { dashboardPath, HOME_UID } from '../../dashboards/dashboard';
import { PROJECT_ROOT } from '../../lib/project-root';
import { PIPELINES } from '../../pipelines/catalog';
import { staleBlock } from '../../scripts/readme-tables/blocks';
import { dashboardsTable } from '../../scripts/readme-tables/tables';

const grafanaUrl = `http://${DEFAULT_CONFIG.bindAddress}:${DEFAULT_CONFIG.ports.grafana}`;
const readme = readFileSync(join(PROJECT_ROOT, 'README.md'), 'utf8');

it('lists every dashboard as rendered from the declarations', () => {
  expect(staleBlock(readme, 'dashboards', dashboardsTable())).toBeUndefined();
});

it('renders a row per pipeline: its dashboard linked on the default port, and its panels', () => {
  const shop = PIPELINES.shop.dashboard;
  expect(dashboardsTable().split('\n')).toContain(`| [${shop.title}](${grafanaUrl}/d/lab-shop) | \`shop\` | ${shop.panels.map((p) => p.title).join('; ')} |`);
  expect(dashboardsTable().split('\n')).toHaveLength(2 + Object.keys(PIPELINES).length);
});

it('links the home dashboard', () => {
  expect(readme.split('\n## Dashboards')[1]).toContain(`(${grafanaUrl}${dashboardPath(HOME_UID)})`);
});
