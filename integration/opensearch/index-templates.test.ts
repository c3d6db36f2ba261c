/**
 * The stack's index templates and sink documents against a real search engine: OpenSearch 2.19.6
 * (integration/support/opensearch.ts), the engine that can run here in Elasticsearch 8.19's place
 * (DESIGN.md section 4). Every template the synthesized stack declares is put through the project's
 * own applier (ops/elasticsearch), as the deploy's provisioner does; a template the engine refuses
 * fails here with the engine's own message. Each sink index created from a template maps time
 * columns as dates and strings as keywords, checked on documents shaped as the sink connectors
 * write them (the rows the statement tests prove ksqlDB writes), and the moodle pipeline's sink
 * documents index and count as its connectors' writes promise.
 */
import { execFileSync } from 'node:child_process';
import { ElasticsearchApplier, type IndexTemplateSpec } from '../../ops/elasticsearch/applier';
import { ApplyError } from '../../ops/apply-error';
import { valueColumns } from '../../ksql-language/columns';
import { loadPipelineScript } from '../../pipelines/scripts';
import { type PipelineName, PIPELINES } from '../../pipelines/catalog';
import { resolveSinkTargets, type SinkTarget } from '../../payloads/elasticsearch-sinks';
import { datasetTimeColumns, indexTemplateName, isTemplateTimeColumn } from '../../payloads/index-templates';
import type { PipelineDecl } from '../../pipelines/types';
import type { PipelineCases } from '../../tools/statement-tests/case';
import { cases as bankTransactions } from '../../ksql/tests/bank-transactions.cases';
import { cases as clickstream } from '../../ksql/tests/clickstream.cases';
import { cases as moodle } from '../../ksql/tests/moodle.cases';
import { cases as payments } from '../../ksql/tests/payments.cases';
import { cases as ratings } from '../../ksql/tests/ratings.cases';
import { cases as serverLogs } from '../../ksql/tests/server-logs.cases';
import { cases as shop } from '../../ksql/tests/shop.cases';
import { startOpenSearch, type LocalOpenSearch } from '../support/opensearch';
import { bulk, call, declaredTemplates, mappingProblems, type FieldMapping } from './engine';
import { bulkBody, liveDocuments, sinkActions, type Document } from './sink-documents';

const CASES: Readonly<Record<PipelineName, PipelineCases>> = {
  'server-logs': serverLogs,
  ratings,
  'bank-transactions': bankTransactions,
  clickstream,
  moodle,
  shop,
  payments,
};

/** The pipeline whose sink documents are written and counted in full: two source-stream and two computed sinks, tables with tombstones. */
const COUNTED_PIPELINE: PipelineName = 'moodle';

/** A time a probe document gives a time column when the statement tests write no row of the object. */
const PROBE_TIME = Date.UTC(2026, 0, 1, 8);

interface PipelineSinks {
  readonly pipeline: PipelineDecl;
  readonly targets: readonly SinkTarget[];
  readonly isTimeColumn: (field: string) => boolean;
  /** The value columns of each sink object (the fields of its documents). */
  readonly columns: ReadonlyMap<string, readonly string[]>;
}

function pipelineSinks(pipeline: PipelineDecl): PipelineSinks {
  const { statements } = loadPipelineScript(pipeline);
  const byName = new Map(statements.filter((s) => s.kind !== 'INSERT').map((s) => [s.name, s]));
  const targets = resolveSinkTargets(pipeline, statements);
  const timeColumns = datasetTimeColumns(pipeline);
  return {
    pipeline,
    targets,
    isTimeColumn: (field) => isTemplateTimeColumn(field, { timeColumns }),
    columns: new Map(targets.map((t) => [t.object, valueColumns(byName.get(t.object)!, byName)])),
  };
}

const SINKS = Object.values(PIPELINES)
  .filter((p) => p.sinks.length > 0)
  .map(pipelineSinks);

function rssMb(pid: number): number {
  return Math.round(Number(execFileSync('ps', ['-o', 'rss=', '-p', String(pid)], { encoding: 'utf8' }).trim()) / 1024);
}

describe('OpenSearch 2.19.6 with the stack\'s index templates', () => {
  let engine: LocalOpenSearch;
  let applier: ElasticsearchApplier;
  let templates: IndexTemplateSpec[];
  const log: string[] = [];

  beforeAll(async () => {
    templates = declaredTemplates();
    engine = await startOpenSearch();
    log.push(`OpenSearch up (yellow) ${(engine.startMs / 1000).toFixed(1)} s after spawn, RSS ${rssMb(engine.pid)} MB`);
    applier = new ElasticsearchApplier(engine.url, { log: () => undefined });
  }, 400_000);

  afterAll(async () => {
    if (engine) {
      log.push(`RSS at the end ${rssMb(engine.pid)} MB`);
      await engine.stop();
    }
    console.log(`[opensearch] ${log.join('; ')}`);
  });

  it('declares one template per pipeline with sinks, each over exactly its sink indices', () => {
    expect(templates.map((t) => t.name).sort()).toEqual(SINKS.map((s) => indexTemplateName(s.pipeline.name)).sort());
    for (const sinks of SINKS) {
      const template = templates.find((t) => t.name === indexTemplateName(sinks.pipeline.name))!;
      expect(template.body.index_patterns).toEqual(sinks.targets.map((t) => t.index).sort());
    }
  });

  it('stores every template put through ops/elasticsearch, as declared', async () => {
    // A refusal throws the applier's ApplyError: "Elasticsearch says: <the engine's type: reason>".
    for (const template of templates) await applier.putTemplate(template);
    for (const template of templates) {
      const answer = await call<{ index_templates: Array<{ name: string; index_template: Record<string, unknown> }> }>(
        engine.url,
        'GET',
        `/_index_template/${template.name}`,
      );
      const stored = answer.index_templates[0].index_template;
      const declared = template.body as { template: { mappings: unknown }; [key: string]: unknown };
      expect({ name: answer.index_templates[0].name, patterns: stored.index_patterns, priority: stored.priority, meta: stored._meta }).toEqual({
        name: template.name,
        patterns: declared.index_patterns,
        priority: declared.priority,
        meta: declared._meta,
      });
      // Settings come back as strings under "index", as Elasticsearch answers them too.
      expect(stored.template).toEqual({
        settings: { index: { number_of_shards: '1', number_of_replicas: '0' } },
        mappings: declared.template.mappings,
      });
    }
  });

  it('maps time columns as dates and strings as keywords in every sink index', async () => {
    const problems: string[] = [];
    for (const sinks of SINKS) {
      for (const target of sinks.targets) {
        // A document as the connector writes it; a probe of the time columns alone where the statement tests write no row.
        const written = [...liveDocuments(sinkActions(target, CASES[sinks.pipeline.name])).values()][0];
        const probe: Document = Object.fromEntries(sinks.columns.get(target.object)!.filter(sinks.isTimeColumn).map((c) => [c, PROBE_TIME]));
        const document = written ?? probe;
        await call(engine.url, 'PUT', `/${target.index}/_doc/mapping-check?refresh=true`, document);
        const index = await call<Record<string, { mappings: { properties?: Record<string, FieldMapping>; dynamic_templates?: unknown[] } }>>(
          engine.url,
          'GET',
          `/${target.index}/_mapping`,
        );
        const { mappings } = index[target.index];
        // The index got the template (its dynamic templates), not the engine's defaults.
        expect([target.index, (mappings.dynamic_templates ?? []).map((t) => Object.keys(t as object)[0])]).toEqual([
          target.index,
          ['epoch_millis_as_date', 'strings_as_keywords'],
        ]);
        problems.push(...mappingProblems(`${target.index}${written ? '' : ' (probe)'}`, document, mappings.properties ?? {}, sinks.isTimeColumn));
        await call(engine.url, 'DELETE', `/${target.index}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it(`indexes and counts the ${COUNTED_PIPELINE} pipeline's sink documents as its connectors write them`, async () => {
    const sinks = SINKS.find((s) => s.pipeline.name === COUNTED_PIPELINE)!;
    const counts: Record<string, { written: number; expected: number }> = {};
    for (const target of sinks.targets) {
      const actions = sinkActions(target, CASES[COUNTED_PIPELINE]);
      const live = liveDocuments(actions);
      expect([target.index, live.size > 0]).toEqual([target.index, true]);
      await bulk(engine.url, bulkBody(actions));
      const { count } = await call<{ count: number }>(engine.url, 'GET', `/${target.index}/_count`);
      counts[target.index] = { written: count, expected: live.size };
      // The time columns are dates: a range in calendar time (Kibana's form: ISO bounds and their
      // format, since the field's own format is epoch_millis only) finds every document that has one.
      const timeField = sinks.columns.get(target.object)!.find(sinks.isTimeColumn) ??
        Object.keys([...live.values()][0]).find(sinks.isTimeColumn);
      if (timeField) {
        const withTime = [...live.values()].filter((d) => typeof d[timeField] === 'number').length;
        const range = await call<{ count: number }>(engine.url, 'POST', `/${target.index}/_count`, {
          query: { range: { [timeField]: { gte: '2026-01-01T00:00:00Z', lt: '2026-01-02T00:00:00Z', format: 'strict_date_optional_time' } } },
        });
        expect([target.index, timeField, range.count]).toEqual([target.index, timeField, withTime]);
      }
    }
    log.push(`${COUNTED_PIPELINE} documents: ${Object.entries(counts).map(([i, c]) => `${i} ${c.written}`).join(', ')}`);
    expect(Object.fromEntries(Object.entries(counts).map(([i, c]) => [i, c.written]))).toEqual(
      Object.fromEntries(Object.entries(counts).map(([i, c]) => [i, c.expected])),
    );
  });

  /**
   * Keys only Elasticsearch 8 knows. The stack's templates use none of them (the test above would
   * fail); this shows what the deploy would print if one came in: the engine's own refusal.
   */
  it.each([
    ['allow_auto_create', (body: Record<string, unknown>) => ({ ...body, allow_auto_create: true })],
    ['subobjects', (body: Record<string, unknown>) => withMappings(body, { subobjects: false })],
    ['flattened', (body: Record<string, unknown>) => withMappings(body, { properties: { LABELS: { type: 'flattened' } } })],
    ['runtime', (body: Record<string, unknown>) => withMappings(body, { runtime: { DAY: { type: 'keyword' } } })],
    ['lifecycle', (body: Record<string, unknown>) => ({ ...body, template: { ...(body.template as object), lifecycle: { data_retention: '7d' } } })],
  ])('refuses the Elasticsearch 8 key %s, and the deploy would print the engine\'s reason', async (key, change) => {
    const base = templates[0];
    const spec: IndexTemplateSpec = { name: `es8-only-${key.replace(/_/g, '-')}`, body: { ...change(base.body), index_patterns: ['es8-only'] } };
    const failure = await applier.putTemplate(spec).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(failure).toBeInstanceOf(ApplyError);
    const message = (failure as ApplyError).serverMessage;
    log.push(`${key}: ${message.split('\n')[0]}`);
    // "HTTP 400: <type>: <reason>[; caused by <type>: <reason>]", the refused key named in it.
    expect(message).toMatch(/^HTTP 400: [a-z_]+_exception: /);
    expect(message).toContain(key);
  });
});

function withMappings(body: Record<string, unknown>, extra: Record<string, unknown>): Record<string, unknown> {
  const template = body.template as { mappings: Record<string, unknown> };
  return { ...body, template: { ...template, mappings: { ...template.mappings, ...extra } } };
}
