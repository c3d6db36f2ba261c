/** The README's dashboard table says what dashboards/ declares, row for row, at the default URL. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_CONFIG } from '../../config/defaults';
import { dashboardPath, dashboardUid, HOME_UID } from '../../dashboards/dashboard';
import { PROJECT_ROOT } from '../../lib/project-root';
import { PIPELINES } from '../../pipelines/catalog';

interface Row {
  readonly title: string;
  readonly url: string;
  readonly pipeline: string;
  readonly panels: string[];
}

function dashboardRows(readme: string): Row[] {
  const section = readme.split('\n## Dashboards')[1].split('\n## ')[0];
  return [...section.matchAll(/^\| \[([^\]]+)\]\(([^)]+)\) \| `([a-z-]+)` \| (.*) \|$/gm)].map(([, title, url, pipeline, panels]) => ({ title, url, pipeline, panels: panels.split('; ') }));
}

const grafanaUrl = `http://${DEFAULT_CONFIG.bindAddress}:${DEFAULT_CONFIG.ports.grafana}`;
const readme = readFileSync(join(PROJECT_ROOT, 'README.md'), 'utf8');

it('lists every dashboard with its panels and its URL on the default port', () => {
  const declared = Object.values(PIPELINES).map((p) => p.dashboard).map((d): Row => ({ title: d.title, url: `${grafanaUrl}${dashboardPath(dashboardUid(d.pipeline))}`, pipeline: d.pipeline, panels: d.panels.map((p) => p.title) }));
  expect(dashboardRows(readme)).toEqual(declared);
});

it('links the home dashboard', () => {
  expect(readme.split('\n## Dashboards')[1]).toContain(`(${grafanaUrl}${dashboardPath(HOME_UID)})`);
});

it('reads a row as the declarations would write it (the check sees a wrong panel)', () => {
  const row = '| [Shop income](http://127.0.0.1:3000/d/lab-shop) | `shop` | Income; Other |';
  expect(dashboardRows(`x\n## Dashboards\n\n${row}\n\n## Next\n`)).toEqual([{ title: 'Shop income', url: 'http://127.0.0.1:3000/d/lab-shop', pipeline: 'shop', panels: ['Income', 'Other'] }]);
});
