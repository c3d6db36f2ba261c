/** The index template applier against a fake Elasticsearch (see fake-elasticsearch.ts for why a fake). */
import { ElasticsearchApplier, elasticsearchErrorMessage, validateIndexTemplateSpec, type ElasticsearchApplierOptions } from '../../ops/elasticsearch/applier';
import { applyFailure } from '../support/ops-cli';
import { FakeElasticsearch } from './fake-elasticsearch';

const FAST: Partial<ElasticsearchApplierOptions> = { healthTimeoutMs: 2_000, pollMs: 10, requestTimeoutMs: 1_000 };
const SPEC = {
  name: 'pipeline-ratings',
  body: { index_patterns: ['ratings_per_product'], priority: 200, template: { mappings: { dynamic_templates: [] } } },
};

describe('ElasticsearchApplier', () => {
  let fake: FakeElasticsearch;
  let url: string;
  let logs: string[];
  const applier = (options: Partial<ElasticsearchApplierOptions> = {}): ElasticsearchApplier =>
    new ElasticsearchApplier(url, { ...FAST, log: (line) => logs.push(line), ...options });

  beforeEach(async () => {
    fake = new FakeElasticsearch();
    url = await fake.start();
    logs = [];
  });
  afterEach(() => fake.stop());

  it('waits for yellow health, then PUTs the template body under its name', async () => {
    fake.startup = ['down', 'red', 'red'];
    await applier().putTemplate(SPEC);
    const healthCalls = fake.requests.filter((r) => r.path.startsWith('/_cluster/health'));
    expect(healthCalls).toHaveLength(4);
    expect(healthCalls[0].path).toContain('wait_for_status=yellow');
    const put = fake.requests.find((r) => r.method === 'PUT');
    expect(put?.path).toBe('/_index_template/pipeline-ratings');
    // The PUT came after the cluster reported yellow.
    expect(fake.requests.indexOf(put!)).toBe(4);
    expect(fake.templates.get('pipeline-ratings')).toEqual(SPEC.body);
  });

  it('re-applying the same template is harmless (PUT replaces)', async () => {
    await applier().putTemplate(SPEC);
    await applier().putTemplate(SPEC);
    expect(fake.templates.size).toBe(1);
  });

  it("names the template and Elasticsearch's reason when it is rejected", async () => {
    fake.rejectTemplateWith = 'index template [pipeline-ratings] has index patterns [ratings_per_product] matching patterns from existing templates';
    await expect(applier().putTemplate(SPEC)).rejects.toThrow(
      'put index template "pipeline-ratings" failed\nElasticsearch says: HTTP 400: illegal_argument_exception: index template [pipeline-ratings] has index patterns',
    );
  });

  it('keeps the causes of a refusal: the refused mapping parameter is only in caused_by', () => {
    // The shape of a real answer (OpenSearch 2.19.6 to a template with `subobjects`, integration/opensearch).
    const body = {
      error: {
        type: 'illegal_argument_exception',
        reason: 'composable template [t] template after composition is invalid',
        caused_by: {
          type: 'mapper_parsing_exception',
          reason: 'Failed to parse mapping [_doc]: Root mapping definition has unsupported parameters:  [subobjects : false]',
          caused_by: { type: 'mapper_parsing_exception', reason: 'Root mapping definition has unsupported parameters:  [subobjects : false]' },
        },
      },
      status: 400,
    };
    expect(elasticsearchErrorMessage(body)).toBe(
      'illegal_argument_exception: composable template [t] template after composition is invalid; caused by ' +
        'mapper_parsing_exception: Failed to parse mapping [_doc]: Root mapping definition has unsupported parameters:  [subobjects : false]',
    );
  });

  it('times out with a clear error when the cluster never gets to yellow', async () => {
    fake.startup = Array<'red'>(1000).fill('red');
    const error = await applyFailure(applier({ healthTimeoutMs: 100 }).putTemplate(SPEC));
    expect(error.message).toMatch(/^put index template "pipeline-ratings" failed\nElasticsearch says: .*did not reach yellow health within 0.1 s \(last: HTTP 408/);
    expect(error.message).toContain('raise ELASTICSEARCH_APPLY_HEALTH_TIMEOUT_S (now 0.1 s)');
    expect(fake.requests.some((r) => r.method === 'PUT')).toBe(false);
  });

  it('deletes the template; a missing one (404) is fine', async () => {
    await applier().putTemplate(SPEC);
    await expect(applier().deleteTemplate(SPEC.name)).resolves.toBe('deleted');
    expect(fake.templates.has(SPEC.name)).toBe(false);
    await expect(applier().deleteTemplate(SPEC.name)).resolves.toBe('absent');
  });
});

describe('validateIndexTemplateSpec', () => {
  it.each([
    [{ body: SPEC.body }, /invalid name undefined/],
    [{ name: 'Upper', body: SPEC.body }, /invalid name "Upper"/],
    [{ name: 'x', body: {} }, /index template "x": body must have an index_patterns array/],
  ])('rejects %j', (spec, message) => {
    expect(() => validateIndexTemplateSpec(spec)).toThrow(message);
  });
});
