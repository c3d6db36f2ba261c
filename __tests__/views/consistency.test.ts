/**
 * Every Kibana object and Pinot table the default stack deploys reads data the stack writes:
 * read from the synthesized Terraform JSON (what a deploy applies), each data view's index is
 * written by a sink connector, each Pinot table's topic by a ksqlDB object; every field named is
 * a value column of the ksqlDB object behind it (sink documents and topic values hold exactly
 * those, under ksqlDB's upper-case names); and the time fields are the ones the index template
 * maps as dates (Elasticsearch's own regex, applied here) or Pinot's date-time fields.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DATASET_SCHEMAS } from '../../pipelines/datasets';
import type { SavedObjectSpec } from '../../ops/kibana/applier';
import { valueColumns } from '../../ksql-language/columns';
import type { KsqlStatement } from '../../ksql-language/parser';
import { validatePipelineScripts } from '../../pipelines/scripts';
import type { PinotTableSpec } from '../../ops/pinot/applier';
import { PIPELINES } from '../../pipelines/catalog';
import { objectTopic } from '../../payloads/elasticsearch-sinks';
import { configWith, resourcesOf, synthStack, type Json } from '../support/synth';

const config = configWith();
const tf = synthStack(config);
const graph = validatePipelineScripts(config.pipelines.map((n) => PIPELINES[n]), DATASET_SCHEMAS);
const byName = new Map(graph.statements.filter((s) => s.kind !== 'INSERT').map((s) => [s.name, s]));

function specs<T>(tool: string): T[] {
  return Object.entries(resourcesOf(tf, 'terraform_data'))
    .filter(([id]) => id.startsWith(`${tool}_`))
    .map(([, r]) => JSON.parse((r.input as { spec: string }).spec) as T);
}

const connectors = specs<{ name: string; config: Record<string, string> }>('connect');
const templates = specs<{ name: string; body: { index_patterns: string[]; template: { mappings: { dynamic_templates: Array<Record<string, { match?: string; mapping: { type: string } }>> } } } }>('elasticsearch');
const savedObjects = specs<SavedObjectSpec>('kibana');
const pinotTables = specs<PinotTableSpec>('pinot');
const dataViews = savedObjects.filter((o) => o.type === 'index-pattern');
const topics = new Set(Object.values(resourcesOf(tf, 'kafka_topic')).map((t: Json) => t.name as string));

/** The ksqlDB object whose topic an Elasticsearch sink connector writes into `index`. */
function objectBehindIndex(index: string): KsqlStatement | undefined {
  const sink = connectors.find((c) => c.config['transforms.toIndex.replacement'] === index);
  return sink && graph.statements.find((s) => s.kind !== 'INSERT' && objectTopic(s) === sink.config.topics);
}

/** Whether the index template covering `index` maps an epoch-millisecond `field` as a date, by its own (Java) regex. */
function mappedAsDate(index: string, field: string): boolean {
  const template = templates.find((t) => t.body.index_patterns.includes(index));
  const rule = template?.body.template.mappings.dynamic_templates.map((d) => Object.values(d)[0]).find((d) => d.mapping.type === 'date');
  if (!rule?.match) return false;
  const caseless = rule.match.startsWith('(?i)');
  return new RegExp(`^(?:${caseless ? rule.match.slice(4) : rule.match})$`, caseless ? 'i' : '').test(field);
}

function dataViewOf(search: SavedObjectSpec): SavedObjectSpec | undefined {
  const ref = search.references.find((r) => r.type === 'index-pattern');
  return dataViews.find((v) => v.id === ref?.id);
}

describe('Kibana objects of the default stack', () => {
  it('are a data view per moodle sink index, three saved searches and one dashboard', () => {
    expect(dataViews.map((v) => v.attributes.title).sort()).toEqual(['moodle_at_risk_students', 'moodle_predictions', 'moodle_user_activity', 'moodle_user_sessions']);
    expect(savedObjects.filter((o) => o.type === 'search')).toHaveLength(3);
    expect(savedObjects.filter((o) => o.type === 'dashboard').map((d) => d.attributes.title)).toEqual(['Moodle: sessions, activity and students at risk']);
  });

  it.each(dataViews.map((v) => [v.id, v] as const))('data view %s reads an index a sink connector writes, and its time field is a value column mapped as a date', (_, view) => {
    const title = String(view.attributes.title);
    const object = objectBehindIndex(title);
    expect(object).toBeDefined();
    const time = view.attributes.timeFieldName;
    if (time !== undefined) {
      expect(valueColumns(object!, byName)).toContain(time);
      expect(mappedAsDate(title, String(time))).toBe(true);
    } else {
      // No time field only when the object writes none the template maps as a date.
      expect(valueColumns(object!, byName).filter((f) => mappedAsDate(title, f))).toEqual([]);
    }
  });

  it.each(savedObjects.filter((o) => o.type === 'search').map((s) => [s.id, s] as const))('saved search %s names only fields its index holds', (_, search) => {
    const view = dataViewOf(search);
    expect(view).toBeDefined();
    const fields = valueColumns(objectBehindIndex(String(view!.attributes.title))!, byName);
    const sort = (search.attributes.sort as string[][]).map(([field]) => field);
    for (const field of [...(search.attributes.columns as string[]), ...sort]) expect(fields).toContain(field);
  });

  it('has a dashboard whose every panel refers to a deployed saved search', () => {
    const dashboard = savedObjects.find((o) => o.type === 'dashboard')!;
    const panels = JSON.parse(String(dashboard.attributes.panelsJSON)) as Array<{ panelIndex: string; panelRefName: string }>;
    expect(panels).toHaveLength(3);
    for (const panel of panels) {
      const ref = dashboard.references.find((r) => r.name === `${panel.panelIndex}:${panel.panelRefName}`);
      expect(savedObjects.some((o) => o.type === 'search' && o.id === ref?.id)).toBe(true);
    }
  });
});

describe('Pinot tables of the default stack', () => {
  it('is one REALTIME table over window_transactions', () => {
    expect(pinotTables.map((t) => [t.tableConfig.tableName, t.tableConfig.tableType])).toEqual([['shop_income_per_3_seconds', 'REALTIME']]);
  });

  it.each(pinotTables.map((t) => [t.tableConfig.tableName, t] as const))('%s consumes a topic a ksqlDB object writes in JSON, with exactly its value columns', (_, table) => {
    const stream = (table.tableConfig as unknown as { ingestionConfig: { streamIngestionConfig: { streamConfigMaps: Array<Record<string, string>> } } }).ingestionConfig.streamIngestionConfig.streamConfigMaps[0];
    const topic = stream['stream.kafka.topic.name'];
    expect(topics.has(topic)).toBe(true);
    const writer = graph.statements.find((s) => s.kind !== 'INSERT' && objectTopic(s) === topic);
    expect(writer).toBeDefined();
    expect(String(writer!.properties.VALUE_FORMAT?.value).toUpperCase()).toBe('JSON');
    expect(stream['stream.kafka.decoder.class.name']).toMatch(/JSONMessageDecoder$/);

    const schema = table.schema as unknown as Record<'dimensionFieldSpecs' | 'metricFieldSpecs' | 'dateTimeFieldSpecs', Array<{ name: string; dataType: string; format?: string }>>;
    const columns = [...schema.dimensionFieldSpecs, ...schema.metricFieldSpecs, ...schema.dateTimeFieldSpecs].map((f) => f.name);
    expect(columns.sort()).toEqual(valueColumns(writer!, byName).sort());

    const time = (table.tableConfig.segmentsConfig as { timeColumnName: string }).timeColumnName;
    expect(schema.dateTimeFieldSpecs.find((f) => f.name === time)).toMatchObject({ dataType: 'LONG', format: '1:MILLISECONDS:EPOCH' });
  });

  it('takes the shop window start as its time column and the income and count as metrics', () => {
    const schema = pinotTables[0].schema as unknown as Record<string, Array<{ name: string; dataType: string }>>;
    expect(schema.metricFieldSpecs).toEqual([{ name: 'INCOME', dataType: 'DOUBLE' }, { name: 'TRANSACTION_COUNT', dataType: 'LONG' }]);
    expect(schema.dateTimeFieldSpecs.map((f) => f.name)).toEqual(['WINDOW_START', 'WINDOW_END']);
    expect(pinotTables[0].tableConfig.segmentsConfig).toEqual(expect.objectContaining({ timeColumnName: 'WINDOW_START' }));
    // Pinot finds a table's schema by the raw table name.
    expect(pinotTables[0].schema.schemaName).toBe(pinotTables[0].tableConfig.tableName);
  });
});

describe('the catalog', () => {
  it.each(Object.values(PIPELINES).map((p) => [p.name, p] as const))('%s needs the services its views live in', (_, p) => {
    if (p.kibana) expect(p.needs).toContain('kibana');
    if (p.pinot) expect(p.needs).toContain('pinot');
  });
});

describe('the README', () => {
  const readme = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');
  const section = readme.split('## Kibana, Pinot and Kafka UI views')[1]?.split(/\n## /)[0] ?? '';

  it.each(savedObjects.map((o) => [`${o.type} ${o.id}`, o] as const))('lists Kibana %s with where to open it', (_, o) => {
    if (o.type === 'index-pattern') expect(section).toContain(`| data view \`${o.id}\` |`);
    else expect(section).toContain(`http://127.0.0.1:5601/app/${o.type === 'dashboard' ? 'dashboards' : 'discover'}#/view/${o.id} |`);
  });

  it.each(pinotTables.map((t) => [t.tableConfig.tableName] as const))('shows the query of Pinot table %s', (table) => {
    expect(section).toContain(`FROM ${table} ORDER BY WINDOW_START DESC`);
    expect(section).toContain('http://127.0.0.1:8099/query/sql');
  });
});
