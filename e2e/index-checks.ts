/**
 * The search engine's side of a pipeline, checked against the engine itself: every index template
 * the stack declares is stored as declared (GET /_index_template/<name>), and every sink index was
 * created from it (GET /<index>/_mapping and one document): its mapping carries the template's
 * dynamic templates, the time fields the dashboards filter on and every time column of a document
 * the connector wrote are dates, and strings are keywords, never text. Without the template the
 * engine maps epoch milliseconds as long and strings as text, and the panels' range filters and
 * terms aggregations would fail or draw nothing; so this is checked apart from the panels, with a
 * message that says which field is wrong.
 *
 * The judgements are pure functions of the engine's answers (unit-tested with answers in the shapes
 * OpenSearch and Elasticsearch write alike); the calls that fetch them are at the end.
 */
import type { IndexTemplateSpec } from '../ops/elasticsearch/applier';
import { asObject } from '../lib/search-request';
import type { ExpectedPipeline } from './expectations';
import { brief, http, type HttpAccess, type HttpAnswer } from './probes';
import type { CheckResult } from './summary';

type JsonRecord = Readonly<Record<string, unknown>>;

/** A JSON value with its object keys sorted, so that two values compare by content, not key order. */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  const o = asObject(value);
  if (!o) return value;
  return Object.fromEntries(Object.keys(o).sort().map((k) => [k, canonical(o[k])]));
}

const sameJson = (a: unknown, b: unknown): boolean => JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));

/** `*` globs of index patterns. */
function globMatches(pattern: string, name: string): boolean {
  const re = new RegExp(`^${pattern.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
  return re.test(name);
}

function indexPatterns(template: IndexTemplateSpec): string[] {
  const patterns = template.body.index_patterns;
  return Array.isArray(patterns) ? patterns.filter((p): p is string => typeof p === 'string') : [];
}

/** The declared template an index is created from: the one of highest priority whose patterns match it. */
export function templateOfIndex(templates: readonly IndexTemplateSpec[], index: string): IndexTemplateSpec | undefined {
  const priority = (t: IndexTemplateSpec): number => (typeof t.body.priority === 'number' ? t.body.priority : 0);
  return templates.filter((t) => indexPatterns(t).some((p) => globMatches(p, index))).sort((a, b) => priority(b) - priority(a))[0];
}

/**
 * Index settings as dotted keys without the `index.` prefix and with string values: the engine
 * answers `{"index": {"number_of_shards": "1"}}` for a declared `{"number_of_shards": 1}`.
 */
function flatSettings(settings: unknown, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, value] of Object.entries(asObject(settings) ?? {})) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (asObject(value)) for (const [k, v] of flatSettings(value, path)) out.set(k, v);
    else out.set(path.replace(/^index\./, ''), Array.isArray(value) ? value.join(',') : String(value));
  }
  return out;
}

/** What differs between a declared template and the engine's GET /_index_template/<name> answer; empty when stored as declared. */
export function storedTemplateProblems(declared: IndexTemplateSpec, answer: HttpAnswer): string[] {
  if (answer.status !== 200) return [`not stored: ${brief(answer)}`];
  const list = asObject(answer.body)?.index_templates;
  const entry = (Array.isArray(list) ? list : []).map((e) => asObject(e)).find((e) => e?.name === declared.name);
  const stored = asObject(entry?.index_template);
  if (!stored) return [`not in the answer: ${brief(answer)}`];
  const problems: string[] = [];
  const patterns = (value: unknown): string[] => (Array.isArray(value) ? value.map(String).sort() : []);
  if (!sameJson(patterns(stored.index_patterns), patterns(declared.body.index_patterns))) {
    problems.push(`index_patterns ${JSON.stringify(stored.index_patterns)}, declared ${JSON.stringify(declared.body.index_patterns)}`);
  }
  for (const key of ['priority', '_meta'] as const) {
    if (declared.body[key] !== undefined && !sameJson(stored[key], declared.body[key])) problems.push(`${key} ${JSON.stringify(stored[key])}, declared ${JSON.stringify(declared.body[key])}`);
  }
  const declaredTemplate = asObject(declared.body.template) ?? {};
  const storedTemplate = asObject(stored.template) ?? {};
  if (!sameJson(storedTemplate.mappings ?? {}, declaredTemplate.mappings ?? {})) {
    problems.push(`mappings ${JSON.stringify(storedTemplate.mappings).slice(0, 300)} differ from the declared ones`);
  }
  const storedSettings = flatSettings(storedTemplate.settings);
  for (const [key, value] of flatSettings(declaredTemplate.settings)) {
    if (storedSettings.get(key) !== value) problems.push(`setting ${key}=${storedSettings.get(key) ?? '(unset)'}, declared ${value}`);
  }
  return problems;
}

/** The mapping rules of a template that the checks rely on, read from its dynamic templates. */
export interface TemplateRules {
  /** Names of its dynamic templates, in order: an index created from it carries the same. */
  readonly dynamicTemplates: readonly string[];
  /** Whether an integer field of this (leaf) name is mapped as a date. */
  readonly isTimeField: (field: string) => boolean;
}

/**
 * A dynamic template's `match`: a glob, or with `match_pattern: regex` a Java regex matched against
 * the whole name. The stack's leads with `(?i)`, which JavaScript writes as the `i` flag.
 */
function fieldMatcher(match: string, regex: boolean): (field: string) => boolean {
  if (!regex) return (field) => globMatches(match, field);
  const insensitive = match.startsWith('(?i)');
  const re = new RegExp(`^(?:${insensitive ? match.slice(4) : match})$`, insensitive ? 'i' : '');
  return (field) => re.test(field);
}

export function templateRules(template: IndexTemplateSpec): TemplateRules {
  const mappings = asObject(asObject(template.body.template)?.mappings) ?? {};
  const entries = (Array.isArray(mappings.dynamic_templates) ? mappings.dynamic_templates : []).flatMap((e) => Object.entries(asObject(e) ?? {}));
  const dates = entries
    .map(([, rule]) => asObject(rule) ?? {})
    .filter((rule) => asObject(rule.mapping)?.type === 'date' && typeof rule.match === 'string')
    .map((rule) => fieldMatcher(String(rule.match), rule.match_pattern === 'regex'));
  return { dynamicTemplates: entries.map(([name]) => name), isTimeField: (field) => dates.some((m) => m(field)) };
}

interface FieldType {
  readonly type: string;
  readonly format?: string;
}

/** Every field of a mapping by dotted path (objects' properties flattened), with its type. */
function fieldTypes(properties: unknown, prefix = ''): Map<string, FieldType> {
  const out = new Map<string, FieldType>();
  for (const [name, value] of Object.entries(asObject(properties) ?? {})) {
    const field = asObject(value) ?? {};
    const path = prefix ? `${prefix}.${name}` : name;
    if (field.properties !== undefined) for (const [k, v] of fieldTypes(field.properties, path)) out.set(k, v);
    else out.set(path, { type: typeof field.type === 'string' ? field.type : 'object', ...(typeof field.format === 'string' ? { format: field.format } : {}) });
  }
  return out;
}

const leaf = (path: string): string => path.slice(path.lastIndexOf('.') + 1);

/** A document's fields by dotted path with their first non-null value (an array's first element). */
function documentFields(document: JsonRecord, prefix = ''): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const [name, raw] of Object.entries(document)) {
    const value = Array.isArray(raw) ? raw.find((v) => v !== null) : raw;
    const path = prefix ? `${prefix}.${name}` : name;
    const nested = asObject(value);
    if (nested) for (const [k, v] of documentFields(nested, path)) out.set(k, v);
    else if (value !== null && value !== undefined) out.set(path, value);
  }
  return out;
}

export interface IndexMappingInput {
  readonly index: string;
  readonly template: IndexTemplateSpec;
  /** The engine's GET /<index>/_mapping answer. */
  readonly mapping: HttpAnswer;
  /** One document of the index as the connector wrote it (`_source`), when it holds any. */
  readonly sample: JsonRecord | undefined;
  /** Fields the dashboards' searches of this index filter by time. */
  readonly panelTimeFields: readonly string[];
}

export interface MappingVerdict {
  readonly problems: readonly string[];
  /** What was seen, for a passing check's detail. */
  readonly seen: string;
}

/** Whether the index was created from its template: dynamic templates, dates and keywords as the template says. */
export function indexMappingVerdict(input: IndexMappingInput): MappingVerdict {
  const { index, template, mapping } = input;
  if (mapping.status !== 200) return { problems: [`no mapping: ${brief(mapping)}`], seen: '' };
  const mappings = asObject(asObject(asObject(mapping.body)?.[index])?.mappings);
  if (!mappings) return { problems: [`no mappings of ${index} in the answer: ${brief(mapping)}`], seen: '' };
  const rules = templateRules(template);
  const problems: string[] = [];
  const dynamic = (Array.isArray(mappings.dynamic_templates) ? mappings.dynamic_templates : []).flatMap((e) => Object.keys(asObject(e) ?? {}));
  if (!sameJson(dynamic, rules.dynamicTemplates)) {
    problems.push(`not created from template ${template.name}: its dynamic templates are ${JSON.stringify(dynamic)}, the template's ${JSON.stringify(rules.dynamicTemplates)}`);
  }
  const types = fieldTypes(mappings.properties);
  const typeOf = (field: string): string => types.get(field)?.type ?? 'nothing (no document has it)';
  for (const field of input.panelTimeFields) {
    if (types.get(field)?.type !== 'date') problems.push(`${field}, the dashboards' time field, is mapped ${typeOf(field)}, not date`);
  }
  for (const [field, t] of types) {
    if (t.type === 'text') problems.push(`${field} is mapped text: the template maps strings as keyword`);
    else if (t.type === 'long' && rules.isTimeField(leaf(field))) problems.push(`${field} is a time column mapped long, not date`);
  }
  for (const [field, value] of documentFields(input.sample ?? {})) {
    const mapped = typeOf(field);
    if (typeof value === 'string' && mapped !== 'keyword' && mapped !== 'text') problems.push(`${field} = ${JSON.stringify(value).slice(0, 60)} is mapped ${mapped}, not keyword`);
    if (typeof value === 'number' && Number.isInteger(value) && rules.isTimeField(leaf(field)) && mapped !== 'date' && mapped !== 'long') {
      problems.push(`${field} = ${value} is a time column mapped ${mapped}, not date`);
    }
  }
  const dates = [...types].filter(([, t]) => t.type === 'date').map(([f]) => f);
  const keywords = [...types].filter(([, t]) => t.type === 'keyword').length;
  const seen = `dates: ${dates.join(', ') || 'none'}; ${keywords} keyword field${keywords === 1 ? '' : 's'}; dynamic templates ${dynamic.join(', ')}${input.sample ? '' : '; no document to compare'}`;
  return { problems: [...new Set(problems)], seen };
}

function result(pipeline: string, check: string, problems: readonly string[], seen: string): CheckResult {
  return { pipeline, check, verdict: problems.length ? 'fail' : 'pass', detail: problems.length ? problems.join('; ') : seen };
}

/** The first document of an index, as stored (`_source`), or undefined when it has none or the search failed. */
function firstSource(answer: HttpAnswer): JsonRecord | undefined {
  const hits = asObject(asObject(answer.body)?.hits)?.hits;
  return asObject(asObject(Array.isArray(hits) ? hits[0] : undefined)?._source);
}

/**
 * The pipeline's index template stored as declared, and each of its sink indices created from it.
 * `panelTimeFields`: by index, the fields its panels' searches filter by time (panel-checks.ts).
 */
export async function indexTemplateChecks(
  p: ExpectedPipeline,
  templates: readonly IndexTemplateSpec[],
  engineUrl: string,
  panelTimeFields: ReadonlyMap<string, readonly string[]>,
  access: HttpAccess,
): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  const own = [...new Set(p.indices.map((i) => templateOfIndex(templates, i)).filter((t): t is IndexTemplateSpec => t !== undefined))];
  for (const template of own) {
    const answer = await http(access, 'GET', `${engineUrl}/_index_template/${encodeURIComponent(template.name)}`);
    const problems = storedTemplateProblems(template, answer);
    results.push(result(p.name, `index template ${template.name} stored as declared`, problems, `patterns ${indexPatterns(template).join(', ')}, mappings and settings as declared`));
  }
  for (const index of p.indices) {
    const template = templateOfIndex(templates, index);
    const check = `index ${index} mapped by its template (time fields date, strings keyword)`;
    if (!template) {
      results.push(result(p.name, check, [`no declared index template covers ${index}`], ''));
      continue;
    }
    const mapping = await http(access, 'GET', `${engineUrl}/${encodeURIComponent(index)}/_mapping`);
    const sample = firstSource(await http(access, 'GET', `${engineUrl}/${encodeURIComponent(index)}/_search?size=1`));
    const verdict = indexMappingVerdict({ index, template, mapping, sample, panelTimeFields: panelTimeFields.get(index) ?? [] });
    results.push(result(p.name, check.replace('its template', `template ${template.name}`), verdict.problems, verdict.seen));
  }
  return results;
}
