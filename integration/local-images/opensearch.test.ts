/**
 * lab-local/opensearch-node:2.19.6 (a real search engine, OpenSearch 2.19.6, built by
 * scripts/local-images/platform-images.sh) run as the stack runs its Elasticsearch container: the
 * environment, memory limit, data volume path and health check the synthesized stack gives
 * elasticsearch:8.19.26, unchanged; port 9200 published on 127.0.0.1. The stack's applier puts the
 * moodle template at the published port, a restart keeps the indexed documents, and the entrypoint
 * refuses security it does not have. The rehearsal still runs the stand-in (e2e/local-images.ts).
 */
import { spawnSync } from 'node:child_process';
import { ElasticsearchApplier } from '../../ops/elasticsearch/applier';
import { OPENSEARCH_NODE } from '../../e2e/local-images';
import { bulk, call, declaredTemplates } from '../opensearch/engine';
import { buildPlatformImages, docker, envArgs, publishedAddress, removeQuietly, serviceSpec, synthWithLocalImages, waitHealthy, type ServiceSpec } from './support';

const NAME = `lab-it-opensearch-${process.pid}`;
const VOLUME = `lab-it-opensearch-data-${process.pid}`;
const IMAGE = OPENSEARCH_NODE.image;

describe('lab-local/opensearch-node in the place of elasticsearch:8.19.26', () => {
  let spec: ServiceSpec;
  let url: string;
  let healthyAfterMs: number;

  beforeAll(async () => {
    await buildPlatformImages('opensearch');
    spec = serviceSpec(synthWithLocalImages({ pipelines: ['moodle'], images: { elasticsearch: IMAGE } }), 'elasticsearch');
    const started = Date.now();
    docker('run', '-d', '--name', NAME, '--hostname', 'elasticsearch', '-p', '127.0.0.1::9200', '-v', `${VOLUME}:/usr/share/elasticsearch/data`,
      ...(spec.memoryMb ? ['--memory', `${spec.memoryMb}m`] : []), ...envArgs(spec.env), IMAGE);
    await waitHealthy(NAME, spec.healthcheck, 240_000);
    healthyAfterMs = Date.now() - started;
    url = `http://${publishedAddress(NAME, 9200)}`;
  }, 1_800_000);

  afterAll(() => {
    removeQuietly('container', NAME);
    spawnSync('docker', ['volume', 'rm', '-f', VOLUME]);
  });

  it("takes the stack's environment for Elasticsearch: settings applied, X-Pack's left out and said", async () => {
    // What the stack gives the container (platform/elasticsearch.ts), so a change there shows here.
    expect(Object.keys(spec.env).sort()).toEqual(['ES_JAVA_OPTS', 'cluster.routing.allocation.disk.threshold_enabled', 'discovery.type', 'xpack.security.enabled']);
    const root = await call<{ version: { distribution?: string; number: string }; cluster_name: string }>(url, 'GET', '/');
    expect(root).toMatchObject({ version: { distribution: 'opensearch', number: '2.19.6' }, cluster_name: 'docker-cluster' });
    const settings = await call<{ persistent: unknown; transient: unknown; defaults: Record<string, unknown> }>(
      url,
      'GET',
      '/_cluster/settings?include_defaults=true&flat_settings=true',
    );
    expect(settings.defaults).toMatchObject({ 'discovery.type': 'single-node', 'cluster.routing.allocation.disk.threshold_enabled': 'false' });
    const log = docker('logs', NAME);
    expect(log).toContain('ignored setting xpack.security.enabled=false');
    // ES_JAVA_OPTS (half the container's memory) came after the image's default heap.
    expect(log).toMatch(new RegExp(`heap size \\[${Number(/-Xmx(\d+)m/.exec(spec.env.ES_JAVA_OPTS)![1])}mb\\]`));
    const stats = docker('stats', '--no-stream', '--format', '{{.MemUsage}}', NAME);
    console.log(`[opensearch-node] healthy ${(healthyAfterMs / 1000).toFixed(1)} s after docker run; memory ${stats}`);
  });

  it('holds the documents written through the published port across a restart (data on the volume)', async () => {
    const template = declaredTemplates().find((t) => t.name === 'lab-moodle')!;
    await new ElasticsearchApplier(url, { log: () => undefined }).putTemplate(template);
    const documents = [1, 2, 3].map((i) => ({ USERID: i, PREDICTION: 0.9, CREATED_DATE: Date.UTC(2026, 0, 1, 8, i) }));
    await bulk(url, `${documents.flatMap((d, i) => [JSON.stringify({ index: { _index: 'moodle_at_risk_students', _id: `moodle_at_risk_students+0+${i}` } }), JSON.stringify(d)]).join('\n')}\n`);
    // docker stop's SIGTERM reaches the JVM (PID 1), which closes the node before the stack's grace period ends.
    docker('stop', '-t', '60', NAME);
    docker('start', NAME);
    await waitHealthy(NAME, spec.healthcheck, 240_000);
    // A port published without a host port is chosen anew at each start.
    url = `http://${publishedAddress(NAME, 9200)}`;
    const { count } = await call<{ count: number }>(url, 'GET', '/moodle_at_risk_students/_count');
    expect(count).toBe(3);
    const mapping = await call<Record<string, { mappings: { properties: Record<string, { type: string }> } }>>(url, 'GET', '/moodle_at_risk_students/_mapping');
    expect(mapping.moodle_at_risk_students.mappings.properties.CREATED_DATE.type).toBe('date');
  });

  it('refuses xpack.security.enabled=true: it has no security to turn on', () => {
    const result = spawnSync('docker', ['run', '--rm', '-e', 'xpack.security.enabled=true', IMAGE], { encoding: 'utf8', timeout: 120_000 });
    expect(result.status).toBe(64);
    expect(result.stderr).toContain('xpack.security.enabled=true: this OpenSearch node has no security plugin');
  });
});
