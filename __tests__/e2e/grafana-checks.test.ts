/**
 * The rehearsal's Grafana checks: expectations read from the synthesized container, verdicts
 * judged from recorded answers, and the whole check run against the Grafana stand-in serving the
 * same synthesized files (what the deploy rehearsal does on this machine).
 */
import { expectedGrafana } from '../../e2e/expectations';
import { grafanaChecks, grafanaLeftover, judgeGrafana, type GrafanaObservation } from '../../e2e/grafana-checks';
import type { HttpAnswer } from '../../e2e/probes';
import { GrafanaStandin } from '../../standins/grafana';
import { StandinServer } from '../../standins/http';
import { closedPortUrl } from '../support/closed-port';
import { grafanaContainer } from '../support/grafana-container';
import { configWith, synthStack } from '../support/synth';

const ratingsTf = synthStack(configWith({ pipelines: ['ratings'] }));
const expected = expectedGrafana(ratingsTf);

describe('expectedGrafana', () => {
  it('reads the dashboards, their pipelines and the data sources from the Grafana container', () => {
    expect(expected).toEqual({
      dashboards: [
        { uid: 'lab-home', title: 'Streaming analytics lab' },
        { uid: 'lab-ratings', title: 'Product ratings', pipeline: 'ratings' },
      ],
      datasources: ['es-bad_ratings', 'es-product_rating_ranking'],
      anonymousViewing: true,
    });
  });

  it('expects anonymous viewing off on a LAN address', () => {
    expect(expectedGrafana(synthStack(configWith({ pipelines: ['ratings'], bindAddress: '192.168.56.10' }))).anonymousViewing).toBe(false);
  });

  it('expects anonymous viewers refused behind the TLS proxy of authenticated access, whatever Grafana allows', () => {
    const output = (access: string): Record<string, unknown> => ({ ...(ratingsTf.output as Record<string, unknown>), access: { value: access } });
    expect(expectedGrafana({ ...ratingsTf, output: output('authenticated') }).anonymousViewing).toBe(false);
    expect(expectedGrafana({ ...ratingsTf, output: output('open') }).anonymousViewing).toBe(true);
    expect(expectedGrafana(synthStack(configWith({ pipelines: ['ratings'], access: 'authenticated' }))).anonymousViewing).toBe(false);
  });
});

const ok = (body: unknown): HttpAnswer => ({ status: 200, body });
const dashboardAnswers = (uids: readonly string[]): Map<string, HttpAnswer> => new Map(uids.map((uid) => [uid, ok({ dashboard: { uid } })]));
const allServed: GrafanaObservation = {
  adminSearch: ok([{ uid: 'lab-home' }, { uid: 'lab-ratings' }]),
  anonymousSearch: ok([{ uid: 'lab-home' }, { uid: 'lab-ratings' }]),
  datasources: ok([{ uid: 'es-bad_ratings' }, { uid: 'es-product_rating_ranking' }]),
  dashboards: dashboardAnswers(['lab-home', 'lab-ratings']),
};

describe('judgeGrafana', () => {
  it('passes when every dashboard and data source is served and anonymous viewing works', () => {
    const results = judgeGrafana(expected, allServed);
    expect(results.map((r) => [r.pipeline, r.check, r.verdict])).toEqual([
      ['platform', 'Grafana serves dashboard lab-home', 'pass'],
      ['ratings', 'Grafana serves dashboard lab-ratings', 'pass'],
      ['platform', 'Grafana has the 2 provisioned data sources', 'pass'],
      ['platform', 'Grafana shows the dashboards to anonymous viewers', 'pass'],
    ]);
  });

  it('fails a missing dashboard, a missing data source and a refused anonymous viewer, with what Grafana said', () => {
    const results = judgeGrafana(expected, {
      ...allServed,
      dashboards: new Map([...dashboardAnswers(['lab-home']), ['lab-ratings', { status: 404, body: { message: 'Dashboard not found' } }]]),
      datasources: ok([{ uid: 'es-bad_ratings' }]),
      anonymousSearch: { status: 401, body: { message: 'Unauthorized' } },
    });
    expect(results.filter((r) => r.verdict === 'fail').map((r) => r.detail)).toEqual([
      'HTTP 404: {"message":"Dashboard not found"}',
      'missing: es-product_rating_ranking',
      'HTTP 401: {"message":"Unauthorized"}',
    ]);
  });

  it('fails a dashboard that is served but not listed, and anonymous access where it must be refused', () => {
    const results = judgeGrafana({ ...expected, anonymousViewing: false }, { ...allServed, adminSearch: ok([{ uid: 'lab-home' }]) });
    expect(results.filter((r) => r.verdict === 'fail').map((r) => r.check)).toEqual([
      'Grafana serves dashboard lab-ratings',
      'Grafana refuses anonymous viewers (anonymous viewing is off)',
    ]);
  });
});

describe('grafanaChecks against the Grafana stand-in serving the synthesized files', () => {
  const container = grafanaContainer(ratingsTf);
  const servers: StandinServer[] = [];
  const start = async (env: Record<string, string> = {}): Promise<string> => {
    const server = new StandinServer(new GrafanaStandin('13.2.3', container.setup('secret-for-test', env)));
    servers.push(server);
    return server.startLoopback();
  };
  afterAll(() => Promise.all(servers.map((s) => s.stop())));

  it('passes every check with the admin password', async () => {
    const results = await grafanaChecks(expected, { url: await start(), adminUser: 'admin', adminPassword: 'secret-for-test' });
    expect(results.filter((r) => r.verdict !== 'pass')).toEqual([]);
    expect(results).toHaveLength(4);
  });

  it('fails with a wrong password, and when Grafana lets anonymous viewers in against the configuration', async () => {
    const wrong = await grafanaChecks(expected, { url: await start(), adminUser: 'admin', adminPassword: 'guess' });
    expect(wrong.filter((r) => r.verdict === 'fail').length).toBe(3);
    const open = await grafanaChecks({ ...expected, anonymousViewing: false }, { url: await start({ GF_AUTH_ANONYMOUS_ENABLED: 'true' }), adminUser: 'admin', adminPassword: 'secret-for-test' });
    expect(open.filter((r) => r.verdict === 'fail').map((r) => r.check)).toEqual(['Grafana refuses anonymous viewers (anonymous viewing is off)']);
  });

  it('logs in as the admin the outputs name: the person behind the TLS proxy, not "admin"', async () => {
    const url = await start({ GF_SECURITY_ADMIN_USER: 'lab' });
    expect((await grafanaChecks(expected, { url, adminUser: 'lab', adminPassword: 'secret-for-test' })).filter((r) => r.verdict !== 'pass')).toEqual([]);
    expect((await grafanaChecks(expected, { url, adminUser: 'admin', adminPassword: 'secret-for-test' })).filter((r) => r.verdict === 'fail')).toHaveLength(3);
  });

  it('says so when the admin password could not be read', async () => {
    expect(await grafanaChecks(expected, { url: 'http://127.0.0.1:1', adminUser: 'admin' })).toEqual([expect.objectContaining({ verdict: 'fail', check: 'Grafana admin password readable' })]);
  });

  it('sees Grafana gone after destroy, and one that still answers', async () => {
    expect(await grafanaLeftover(await closedPortUrl())).toBeUndefined();
    expect(await grafanaLeftover(await start())).toMatch(/^Grafana still answers at http:\/\/127\.0\.0\.1:\d+ after destroy \(HTTP 200/);
  });
});
