/**
 * The rehearsal's checks of index templates and sink index mappings: judged on answers in the
 * shapes OpenSearch 2.19.6 writes them (a stored template's settings come back as strings under
 * `index`, as integration/opensearch/index-templates.test.ts sees; a mapping is keyed by the index),
 * and sent to a fake on 127.0.0.1 that stands in for OpenSearch because the unit suite runs without
 * Docker or Java.
 */
import type { IndexTemplateSpec } from '../../ops/elasticsearch/applier';
import { expectedDeployment } from '../../e2e/expectations';
import { indexMappingVerdict, indexTemplateChecks, storedTemplateProblems, templateOfIndex, templateRules } from '../../e2e/index-checks';
import { panelTimeFields } from '../../e2e/panel-checks';
import { panelQueryPlan } from '../../e2e/panel-query-plan';
import { OPEN_ACCESS } from '../../e2e/probes';
import { configWith, synthStack } from '../support/synth';
import { FakeOpenSearch } from './fake-opensearch';

const config = configWith({});
const expected = expectedDeployment(synthStack(config), config);
const templates = expected.indexTemplates;
const moodleTemplate = templates.find((t) => t.name === 'lab-moodle')!;
const moodle = expected.pipelines.find((p) => p.name === 'moodle')!;

type Json = Record<string, unknown>;
const declaredMappings = (t: IndexTemplateSpec): Json => (t.body.template as { mappings: Json }).mappings;

/** A template as GET /_index_template/<name> stores it: the declared body, settings as the engine writes them. */
function stored(t: IndexTemplateSpec): Json {
  const { template, ...rest } = t.body as { template: { settings: Json; mappings: Json } } & Json;
  return { ...rest, composed_of: [], template: { settings: { index: { number_of_shards: '1', number_of_replicas: '0' } }, mappings: template.mappings } };
}

/** The mapping of an index the engine created from the template: its dynamic templates and the given fields. */
function createdFrom(t: IndexTemplateSpec, properties: Json): Json {
  const { date_detection, numeric_detection, dynamic_templates } = declaredMappings(t);
  return { date_detection, numeric_detection, dynamic_templates, properties };
}

const DATE = { type: 'date', format: 'epoch_millis' };
const KEYWORD = { type: 'keyword', ignore_above: 2048 };
const ok = (body: unknown) => ({ status: 200, body });

describe('index templates the stack declares', () => {
  it('are read from the synthesized stack: one per pipeline with sinks, each covering exactly its sink indices', () => {
    expect(templates.map((t) => t.name).sort()).toEqual(expected.pipelines.filter((p) => p.indices.length).map((p) => `lab-${p.name}`).sort());
    for (const p of expected.pipelines) for (const index of p.indices) expect([index, templateOfIndex(templates, index)?.name]).toEqual([index, `lab-${p.name}`]);
    expect(templateOfIndex(templates, 'moodle_user_sessions_old')).toBeUndefined();
  });

  it('give the time-column rule of their dynamic template, ignoring case, over the whole name', () => {
    const rules = templateRules(moodleTemplate);
    expect(rules.dynamicTemplates).toEqual(['epoch_millis_as_date', 'strings_as_keywords']);
    expect(['WINDOW_START', 'session_end', 'LAST_RATING_TS', 'TS', 'TIMECREATED', 'CREATED_DATE'].filter(rules.isTimeField)).toHaveLength(6);
    expect(['USERID', 'TSX', 'MY_TS_COUNT', 'COURSE'].filter(rules.isTimeField)).toEqual([]);
  });
});

describe('storedTemplateProblems', () => {
  it('accepts a template stored as declared (settings as strings under index)', () => {
    expect(storedTemplateProblems(moodleTemplate, ok({ index_templates: [{ name: 'lab-moodle', index_template: stored(moodleTemplate) }] }))).toEqual([]);
  });

  it('names what differs: patterns, a mapping, a setting', () => {
    const changed = stored(moodleTemplate);
    changed.index_patterns = ['moodle_user_sessions'];
    (changed.template as Json).mappings = { ...declaredMappings(moodleTemplate), dynamic_templates: [] };
    (changed.template as Json).settings = { index: { number_of_shards: '1', number_of_replicas: '1' } };
    const problems = storedTemplateProblems(moodleTemplate, ok({ index_templates: [{ name: 'lab-moodle', index_template: changed }] }));
    expect(problems).toHaveLength(3);
    expect(problems[0]).toMatch(/^index_patterns \["moodle_user_sessions"\], declared \[/);
    expect(problems[1]).toMatch(/^mappings .* differ from the declared ones$/);
    expect(problems[2]).toBe('setting number_of_replicas=1, declared 0');
  });

  it("a template the engine does not have fails with the engine's answer", () => {
    const notFound = { status: 404, body: { error: { root_cause: [{ type: 'resource_not_found_exception', reason: 'index template matching [lab-moodle] not found' }] }, status: 404 } };
    expect(storedTemplateProblems(moodleTemplate, notFound)).toEqual([expect.stringMatching(/^not stored: HTTP 404: .*index template matching \[lab-moodle\] not found/)]);
  });
});

describe('indexMappingVerdict', () => {
  const index = 'moodle_user_sessions';
  const sample = { SESSION_START: 1_765_000_000_000, SESSION_END: 1_765_000_060_000, USERNAME: 'ana', EVENTS: 4 };

  it('passes an index created from its template: time columns dates, strings keywords', () => {
    const mapping = ok({ [index]: { mappings: createdFrom(moodleTemplate, { SESSION_START: DATE, SESSION_END: DATE, USERNAME: KEYWORD, EVENTS: { type: 'long' } }) } });
    const verdict = indexMappingVerdict({ index, template: moodleTemplate, mapping, sample, panelTimeFields: ['SESSION_START'] });
    expect(verdict).toEqual({ problems: [], seen: 'dates: SESSION_START, SESSION_END; 1 keyword field; dynamic templates epoch_millis_as_date, strings_as_keywords' });
  });

  it("fails an index the engine mapped by its own guesses (no template): names every wrong field", () => {
    const guessed = { SESSION_START: { type: 'long' }, SESSION_END: { type: 'long' }, USERNAME: { type: 'text', fields: { keyword: { type: 'keyword', ignore_above: 256 } } }, EVENTS: { type: 'long' } };
    const verdict = indexMappingVerdict({ index, template: moodleTemplate, mapping: ok({ [index]: { mappings: { properties: guessed } } }), sample, panelTimeFields: ['SESSION_START'] });
    expect(verdict.problems).toEqual([
      'not created from template lab-moodle: its dynamic templates are [], the template\'s ["epoch_millis_as_date","strings_as_keywords"]',
      "SESSION_START, the dashboards' time field, is mapped long, not date",
      'SESSION_START is a time column mapped long, not date',
      'SESSION_END is a time column mapped long, not date',
      'USERNAME is mapped text: the template maps strings as keyword',
    ]);
  });

  it('fails when the time field the dashboards filter on is not mapped yet, and when the index is missing', () => {
    const mapping = ok({ [index]: { mappings: createdFrom(moodleTemplate, { USERNAME: KEYWORD }) } });
    expect(indexMappingVerdict({ index, template: moodleTemplate, mapping, sample: undefined, panelTimeFields: ['SESSION_START'] }).problems).toEqual([
      "SESSION_START, the dashboards' time field, is mapped nothing (no document has it), not date",
    ]);
    const missing = { status: 404, body: { error: { root_cause: [{ type: 'index_not_found_exception', reason: `no such index [${index}]` }] }, status: 404 } };
    expect(indexMappingVerdict({ index, template: moodleTemplate, mapping: missing, sample: undefined, panelTimeFields: [] }).problems[0]).toMatch(/^no mapping: HTTP 404: .*no such index/);
  });

  it('compares a document the connector wrote with the mapping, nested fields by path', () => {
    const mapping = ok({ [index]: { mappings: createdFrom(moodleTemplate, { META: { properties: { HOST: { type: 'long' } } }, SESSION_START: DATE }) } });
    const verdict = indexMappingVerdict({ index, template: moodleTemplate, mapping, sample: { META: { HOST: 'h1' }, SESSION_START: 1 }, panelTimeFields: [] });
    expect(verdict.problems).toEqual(['META.HOST = "h1" is mapped long, not keyword']);
  });
});

describe('indexTemplateChecks against a fake OpenSearch', () => {
  const engine = new FakeOpenSearch();
  let url: string;
  const timeFields = panelTimeFields(panelQueryPlan({ now: Date.UTC(2026, 11, 7, 4), pipelines: ['moodle'] }));

  beforeAll(async () => {
    url = await engine.start();
  });
  afterAll(() => engine.stop());

  it('the dashboards filter the moodle indices by their time columns', () => {
    expect(Object.fromEntries(timeFields)).toEqual({
      moodle_at_risk_students: ['CREATED_DATE'],
      moodle_predictions: ['CREATED_DATE'],
      moodle_user_activity: [],
      moodle_user_sessions: ['SESSION_START'],
    });
  });

  it('fail before the engine holds anything, and pass once the template is stored and every index created from it', async () => {
    const before = await indexTemplateChecks(moodle, templates, url, timeFields, OPEN_ACCESS);
    expect(before.map((r) => r.verdict)).toEqual(['fail', 'fail', 'fail', 'fail', 'fail']);
    expect(before[0]).toMatchObject({ pipeline: 'moodle', check: 'index template lab-moodle stored as declared' });

    engine.templates.set('lab-moodle', stored(moodleTemplate));
    for (const index of moodle.indices) {
      const fields = timeFields.get(index) ?? [];
      engine.indices.set(index, {
        mappings: createdFrom(moodleTemplate, { ...Object.fromEntries(fields.map((f) => [f, DATE])), USERNAME: KEYWORD }),
        documents: [{ ...Object.fromEntries(fields.map((f) => [f, 1_765_000_000_000])), USERNAME: 'ana' }],
      });
    }
    const after = await indexTemplateChecks(moodle, templates, url, timeFields, OPEN_ACCESS);
    expect(after.filter((r) => r.verdict === 'fail')).toEqual([]);
    expect(after.map((r) => r.check)).toEqual([
      'index template lab-moodle stored as declared',
      ...moodle.indices.map((i) => `index ${i} mapped by template lab-moodle (time fields date, strings keyword)`),
    ]);
    expect(engine.requests.filter((r) => r.path.endsWith('/_search?size=1'))).toHaveLength(moodle.indices.length * 2);
  });
});
