/**
 * The Grafana stand-in serves what the stack provisions: it reads the very files the stack writes
 * into the container (from a synthesized stack, written to a temporary directory laid out as the
 * container's), and answers with the admin's basic auth or anonymously as configured.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GrafanaStandin, readGrafanaSetup, type GrafanaSetup } from '../../standins/grafana';
import { grafanaContainer } from '../support/grafana-container';
import { configWith, synthStack } from '../support/synth';
import { bodyOf, call } from './request';

const container = grafanaContainer(synthStack(configWith({ pipelines: ['ratings'] })));
const { root, env } = container;
const setupWith = (overrides: Record<string, string>): GrafanaSetup => container.setup('secret-for-test', overrides);
const admin = { headers: { authorization: `Basic ${Buffer.from('admin:secret-for-test').toString('base64')}` } };

describe('readGrafanaSetup', () => {
  it('reads the data sources and the dashboards of each provider from the container files', () => {
    const setup = setupWith({});
    expect(setup.problems).toEqual([]);
    expect(setup.datasources.map((d) => d.uid).sort()).toEqual(['es-bad_ratings', 'es-product_rating_ranking']);
    expect(setup.dashboards.map((d) => d.dashboard.uid).sort()).toEqual(['lab-home', 'lab-ratings']);
    expect(setup.anonymousViewing).toBe(env.GF_AUTH_ANONYMOUS_ENABLED === 'true');
    expect(setup.adminUser).toBe('admin');
  });

  it('is empty, not failing, where no provisioning exists (a stand-in started by hand)', () => {
    expect(readGrafanaSetup({ GF_PATHS_PROVISIONING: join(root, 'nowhere') })).toMatchObject({ datasources: [], dashboards: [], problems: [], adminPassword: undefined });
  });

  it('reports YAML that is not JSON instead of ignoring it, and skips what Grafana skips', () => {
    const dir = mkdtempSync(join(tmpdir(), 'grafana-standin-bad-'));
    mkdirSync(join(dir, 'datasources'));
    writeFileSync(join(dir, 'datasources', 'a.yaml'), 'apiVersion: 1');
    writeFileSync(join(dir, 'datasources', 'b.yml'), JSON.stringify({ apiVersion: 1, datasources: [{ uid: 'x' }] }));
    writeFileSync(join(dir, 'datasources', 'c.json'), JSON.stringify({ apiVersion: 1, datasources: [{ uid: 'ignored' }] }));
    const setup = readGrafanaSetup({ GF_PATHS_PROVISIONING: dir });
    expect(setup.problems).toEqual([expect.stringContaining('a.yaml: not JSON, which is all the stand-in reads')]);
    expect(setup.datasources.map((d) => d.uid)).toEqual(['x']);
  });
});

describe('GrafanaStandin with the stack provisioning', () => {
  const anonymous = new GrafanaStandin('13.2.3', setupWith({ GF_AUTH_ANONYMOUS_ENABLED: 'true' }));
  const closed = new GrafanaStandin('13.2.3', setupWith({ GF_AUTH_ANONYMOUS_ENABLED: 'false' }));

  it('lists and serves the dashboards to the admin and, when allowed, to anonymous viewers', () => {
    for (const options of [admin, {}]) {
      const hits = call(anonymous, 'GET', '/api/search', undefined, options).body as Array<Record<string, unknown>>;
      expect(hits.map((h) => h.uid).sort()).toEqual(['lab-home', 'lab-ratings']);
      const ratings = bodyOf(call(anonymous, 'GET', '/api/dashboards/uid/lab-ratings', undefined, options));
      expect((ratings.dashboard as Record<string, unknown>).title).toBe('Product ratings');
      expect(ratings.meta).toMatchObject({ provisioned: true, folderTitle: 'Streaming analytics lab', url: '/d/lab-ratings/product-ratings' });
    }
    expect(call(anonymous, 'GET', '/api/search?query=RATINGS').body).toHaveLength(1);
    expect(call(anonymous, 'GET', '/api/dashboards/uid/lab-clickstream')).toMatchObject({ status: 404, body: { message: 'Dashboard not found' } });
  });

  it('refuses anonymous requests when anonymous viewing is off, and a wrong password always', () => {
    expect(call(closed, 'GET', '/api/search')).toMatchObject({ status: 401, body: { message: 'Unauthorized' } });
    expect(call(closed, 'GET', '/api/search', undefined, admin).status).toBe(200);
    const wrong = { headers: { authorization: `Basic ${Buffer.from('admin:guess').toString('base64')}` } };
    expect(call(anonymous, 'GET', '/api/search', undefined, wrong)).toMatchObject({ status: 401, body: { message: 'Invalid username or password' } });
  });

  it('shows the data sources to the admin only', () => {
    const list = call(anonymous, 'GET', '/api/datasources', undefined, admin).body as Array<Record<string, unknown>>;
    expect(list.map((d) => d.uid).sort()).toEqual(['es-bad_ratings', 'es-product_rating_ranking']);
    expect(bodyOf(call(anonymous, 'GET', '/api/datasources/uid/es-bad_ratings', undefined, admin))).toMatchObject({ type: 'elasticsearch', jsonData: { index: 'bad_ratings', timeField: 'TS' } });
    expect(call(anonymous, 'GET', '/api/datasources/uid/es-nothing', undefined, admin).status).toBe(404);
    expect(call(anonymous, 'GET', '/api/datasources').status).toBe(403);
  });

  it('reports what it holds, and changes nothing', () => {
    expect(anonymous.state()).toEqual({ anonymousViewing: true, dashboards: expect.arrayContaining(['lab-home', 'lab-ratings']), datasources: expect.any(Array), problems: [] });
    expect(call(anonymous, 'POST', '/api/dashboards/db', {}, admin).status).toBe(405);
  });
});
