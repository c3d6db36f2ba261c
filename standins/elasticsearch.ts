/**
 * Elasticsearch stand-in with the documented shapes of the calls the stack makes: GET / (cluster
 * info), GET /_cluster/health (408 with the current status when wait_for_status times out), index
 * templates (PUT/GET/HEAD/DELETE /_index_template/{name}), indices (PUT/HEAD/GET/DELETE /{index},
 * _mapping, _refresh), documents (/{index}/_doc[/{id}], /{index}/_create/{id}, /_bulk), _count,
 * _search (match_all and term only) and GET /_cat/indices. Errors are {error: {root_cause, type,
 * reason}, status}. Every answer carries `X-Elastic-Product: Elasticsearch`: the Elasticsearch Java
 * client (used by Confluent's sink 16.x) rejects a server that does not send it.
 * It keeps documents in memory, with no analysis, scoring, refresh delay, aggregations or security.
 */
import { randomBytes } from 'node:crypto';
import { header, type StandinAnswer, type StandinHandler, type StandinReply, type StandinRequest } from './http';

interface StoredDoc {
  source: Record<string, unknown>;
  version: number;
  seqNo: number;
}

interface StoredIndex {
  readonly docs: Map<string, StoredDoc>;
  mappings: Record<string, unknown>;
  settings: Record<string, unknown>;
  /** The template the index was created from, if one matched. */
  readonly template?: string;
  readonly uuid: string;
}

interface TemplateBody {
  index_patterns?: unknown;
  priority?: unknown;
  template?: { settings?: Record<string, unknown>; mappings?: Record<string, unknown> };
}

/** Elasticsearch's error body. */
function esError(status: number, type: string, reason: string, extra: Record<string, unknown> = {}): StandinReply {
  return { status, body: { error: { root_cause: [{ type, reason, ...extra }], type, reason, ...extra }, status } };
}

function indexNotFound(index: string): StandinReply {
  return esError(404, 'index_not_found_exception', `no such index [${index}]`, { 'resource.type': 'index_or_alias', 'resource.id': index, index });
}

/** '*' globs as in index patterns and multi-target paths. */
function globMatches(pattern: string, name: string): boolean {
  const re = new RegExp(`^${pattern.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
  return re.test(name);
}

/** Elasticsearch's rules for index names (the ones a sink or applier can break). */
function invalidIndexName(name: string): string | undefined {
  if (name !== name.toLowerCase()) return 'must be lowercase';
  if (/^[-_+]/.test(name)) return "must not start with '_', '-', or '+'";
  if (/[\\/*?"<>| ,#:]/.test(name)) return 'must not contain the following characters [\\, /, *, ?, ", <, >, |, " ", ",", #, :]';
  if (name === '.' || name === '..') return "must not be '.' or '..'";
  return undefined;
}

/** Endpoints that are not an index name at the start of the path. */
const RESERVED = new Set(['_bulk', '_count', '_search', '_cluster', '_index_template', '_cat', '_refresh', '_nodes', '_license', '_xpack', '_alias', '_aliases', '_mapping', '_data_stream']);

export class ElasticsearchStandin implements StandinHandler {
  readonly service = 'elasticsearch';
  readonly templates = new Map<string, TemplateBody>();
  readonly indices = new Map<string, StoredIndex>();
  /** Health answers before the cluster is yellow: 'down' closes the socket, 'red' answers 408 with status red. */
  startup: Array<'down' | 'red'> = [];
  /** When set, PUT /_index_template answers 400 with this reason. */
  rejectTemplateWith: string | undefined;
  private seqNo = 0;

  /** @param version what GET / reports: the version of the image it stands in for. */
  constructor(private readonly version = '8.19.26') {}

  state(): unknown {
    return {
      templates: [...this.templates.keys()],
      indices: Object.fromEntries([...this.indices].map(([name, i]) => [name, { docs: i.docs.size, template: i.template ?? null }])),
    };
  }

  handle(req: StandinRequest): StandinAnswer {
    const reply = this.route(req);
    if (reply === 'close') return reply;
    // The Java client asks for the 8.x compatible media type and expects it back.
    const accept = `${header(req.headers, 'accept') ?? ''} ${header(req.headers, 'content-type') ?? ''}`;
    const contentType = /vnd\.elasticsearch\+json/.test(accept) ? 'application/vnd.elasticsearch+json;compatible-with=8' : 'application/json';
    return { ...reply, contentType, headers: { ...reply.headers, 'X-Elastic-Product': 'Elasticsearch' } };
  }

  private route(req: StandinRequest): StandinAnswer {
    const { method } = req;
    const parts = req.path.split('/').filter((p) => p !== '');
    const body = (): unknown => (req.body.trim() === '' ? {} : (JSON.parse(req.body) as unknown));
    try {
      if (parts.length === 0 && (method === 'GET' || method === 'HEAD')) return { status: 200, body: this.info() };
      if (parts[0] === '_cluster' && parts[1] === 'health' && method === 'GET') return this.health();
      if (parts[0] === '_index_template') return this.template(method, parts[1], body);
      if (parts[0] === '_bulk' && (method === 'POST' || method === 'PUT')) return this.bulk(req.body, undefined);
      if (parts[0] === '_cat' && parts[1] === 'indices' && method === 'GET') return this.catIndices(req.query.get('format') === 'json');
      if ((parts[0] === '_count' || parts[0] === '_search') && (method === 'GET' || method === 'POST')) {
        return this.query(parts[0], '*', body(), req.query);
      }
      if (parts[0] === '_refresh') return { status: 200, body: { _shards: { total: 1, successful: 1, failed: 0 } } };
      if (parts.length >= 1 && !RESERVED.has(parts[0])) return this.onIndex(method, parts, req, body);
    } catch (e) {
      if (e instanceof SyntaxError) return esError(400, 'x_content_parse_exception', `request body is not JSON: ${e.message}`);
      throw e;
    }
    return esError(405, 'standin_unsupported', `the Elasticsearch stand-in has no handler for ${method} ${req.path}; it implements what the lab's appliers and sinks call (see scripts/local-images/README.md)`);
  }

  private info(): unknown {
    return {
      name: 'elasticsearch',
      cluster_name: 'lab',
      cluster_uuid: 'standin-cluster',
      version: {
        number: this.version,
        build_flavor: 'default',
        build_type: 'docker',
        build_hash: 'standin',
        build_snapshot: false,
        lucene_version: '9.12.2',
        minimum_wire_compatibility_version: '7.17.0',
        minimum_index_compatibility_version: '7.0.0',
      },
      tagline: 'You Know, for Search',
    };
  }

  private health(): StandinAnswer {
    const next = this.startup.shift();
    if (next === 'down') return 'close';
    const base = { cluster_name: 'lab', number_of_nodes: 1, number_of_data_nodes: 1, active_primary_shards: this.indices.size, active_shards: this.indices.size };
    if (next === 'red') return { status: 408, body: { ...base, status: 'red', timed_out: true } };
    // A single node cannot place replicas: with an index it is yellow, as the real one with default settings.
    return { status: 200, body: { ...base, status: 'yellow', timed_out: false } };
  }

  private template(method: string, name: string | undefined, body: () => unknown): StandinReply {
    if (name === undefined || method === 'GET') {
      if (method !== 'GET') return esError(405, 'standin_unsupported', `${method} /_index_template needs a template name`);
      const found = [...this.templates].filter(([n]) => name === undefined || globMatches(name, n));
      if (name !== undefined && !name.includes('*') && found.length === 0) {
        return esError(404, 'resource_not_found_exception', `index template matching [${name}] not found`);
      }
      return { status: 200, body: { index_templates: found.map(([n, t]) => ({ name: n, index_template: t })) } };
    }
    if (method === 'HEAD') return { status: this.templates.has(name) ? 200 : 404 };
    if (method === 'PUT' || method === 'POST') {
      if (this.rejectTemplateWith) return esError(400, 'illegal_argument_exception', this.rejectTemplateWith);
      const t = body() as TemplateBody;
      if (!Array.isArray(t.index_patterns) || t.index_patterns.length === 0) {
        return esError(400, 'action_request_validation_exception', 'Validation Failed: 1: index patterns are missing;');
      }
      this.templates.set(name, t);
      return { status: 200, body: { acknowledged: true } };
    }
    if (method === 'DELETE') {
      if (!this.templates.delete(name)) return esError(404, 'resource_not_found_exception', `index_template [${name}] missing`);
      return { status: 200, body: { acknowledged: true } };
    }
    return esError(405, 'standin_unsupported', `${method} /_index_template/${name} is not supported by the stand-in`);
  }

  /** The highest-priority template whose patterns match, as Elasticsearch picks one for a new index. */
  private templateFor(index: string): [string, TemplateBody] | undefined {
    const matching = [...this.templates].filter(([, t]) => (t.index_patterns as string[]).some((p) => globMatches(p, index)));
    matching.sort(([, a], [, b]) => Number(b.priority ?? 0) - Number(a.priority ?? 0));
    return matching[0];
  }

  private createIndex(name: string, settings: Record<string, unknown> = {}, mappings: Record<string, unknown> = {}): StoredIndex {
    const t = this.templateFor(name);
    const index: StoredIndex = {
      docs: new Map(),
      settings: { ...(t?.[1].template?.settings ?? {}), ...settings },
      mappings: { ...(t?.[1].template?.mappings ?? {}), ...mappings },
      ...(t ? { template: t[0] } : {}),
      uuid: randomBytes(8).toString('hex'),
    };
    this.indices.set(name, index);
    return index;
  }

  /** The existing index, or a new one: writes create their index, as with action.auto_create_index. */
  private indexForWrite(name: string): StoredIndex | StandinReply {
    const invalid = invalidIndexName(name);
    if (invalid) return esError(400, 'invalid_index_name_exception', `Invalid index name [${name}], ${invalid}`, { index: name });
    return this.indices.get(name) ?? this.createIndex(name);
  }

  private targets(target: string): string[] {
    return [...this.indices.keys()].filter((n) => target.split(',').some((p) => globMatches(p, n)));
  }

  private onIndex(method: string, parts: string[], req: StandinRequest, body: () => unknown): StandinReply {
    const [name, endpoint, id] = parts;
    if (endpoint === undefined) {
      const existing = this.indices.get(name);
      if (method === 'HEAD') return { status: existing ? 200 : 404 };
      if (method === 'PUT') {
        if (existing) return esError(400, 'resource_already_exists_exception', `index [${name}/${existing.uuid}] already exists`, { index: name });
        const invalid = invalidIndexName(name);
        if (invalid) return esError(400, 'invalid_index_name_exception', `Invalid index name [${name}], ${invalid}`, { index: name });
        const b = body() as { settings?: Record<string, unknown>; mappings?: Record<string, unknown> };
        this.createIndex(name, b.settings, b.mappings);
        return { status: 200, body: { acknowledged: true, shards_acknowledged: true, index: name } };
      }
      if (method === 'GET') {
        const found = this.targets(name);
        if (found.length === 0 && !name.includes('*')) return indexNotFound(name);
        return { status: 200, body: Object.fromEntries(found.map((n) => [n, this.describeIndex(n)])) };
      }
      if (method === 'DELETE') {
        const found = this.targets(name);
        if (found.length === 0 && !name.includes('*')) return indexNotFound(name);
        for (const n of found) this.indices.delete(n);
        return { status: 200, body: { acknowledged: true } };
      }
    }
    if (endpoint === '_mapping') {
      const index = this.indices.get(name);
      if (!index) return indexNotFound(name);
      if (method === 'GET') return { status: 200, body: { [name]: { mappings: index.mappings } } };
      if (method === 'PUT' || method === 'POST') {
        const b = body() as Record<string, unknown>;
        const properties = { ...((index.mappings.properties as Record<string, unknown> | undefined) ?? {}), ...((b.properties as Record<string, unknown> | undefined) ?? {}) };
        index.mappings = { ...index.mappings, ...b, properties };
        return { status: 200, body: { acknowledged: true } };
      }
    }
    if (endpoint === '_refresh') {
      if (!this.indices.has(name)) return indexNotFound(name);
      return { status: 200, body: { _shards: { total: 1, successful: 1, failed: 0 } } };
    }
    if (endpoint === '_bulk' && (method === 'POST' || method === 'PUT')) return this.bulk(req.body, name);
    if ((endpoint === '_count' || endpoint === '_search') && (method === 'GET' || method === 'POST')) {
      const found = this.targets(name);
      if (found.length === 0 && !name.includes('*')) return indexNotFound(name);
      return this.query(endpoint, name, body(), req.query);
    }
    if (endpoint === '_doc' || endpoint === '_create') {
      if (method === 'GET' && id !== undefined) {
        const doc = this.indices.get(name)?.docs.get(id);
        if (!this.indices.has(name)) return indexNotFound(name);
        return doc
          ? { status: 200, body: { _index: name, _id: id, _version: doc.version, _seq_no: doc.seqNo, _primary_term: 1, found: true, _source: doc.source } }
          : { status: 404, body: { _index: name, _id: id, found: false } };
      }
      if (method === 'DELETE' && id !== undefined) {
        const item = this.write('delete', name, id, undefined);
        return { status: item.status, body: item.result };
      }
      if (method === 'PUT' || method === 'POST') {
        const op = endpoint === '_create' || req.query.get('op_type') === 'create' ? 'create' : 'index';
        const item = this.write(op, name, id, body());
        return { status: item.status, body: item.result };
      }
    }
    return esError(405, 'standin_unsupported', `the Elasticsearch stand-in has no handler for ${method} ${req.path}`);
  }

  private describeIndex(name: string): unknown {
    const i = this.indices.get(name)!;
    return { aliases: {}, mappings: i.mappings, settings: { index: { ...i.settings, uuid: i.uuid, provided_name: name } } };
  }

  /** One document operation, as an item of a _bulk answer (its status and body). */
  private write(op: string, indexName: string, id: string | undefined, source: unknown): { status: number; result: Record<string, unknown> } {
    const index = this.indexForWrite(indexName);
    if (!('docs' in index)) return { status: index.status, result: { _index: indexName, _id: id ?? null, status: index.status, error: (index.body as { error: unknown }).error } };
    const shards = { total: 2, successful: 1, failed: 0 };
    const failure = (status: number, type: string, reason: string): { status: number; result: Record<string, unknown> } => ({
      status,
      result: { _index: indexName, _id: id ?? null, status, error: { type, reason, index: indexName, shard: '0', index_uuid: index.uuid } },
    });
    const docId = id ?? randomBytes(15).toString('base64url');
    const existing = index.docs.get(docId);
    if (op === 'delete') {
      if (existing) index.docs.delete(docId);
      const version = (existing?.version ?? 0) + 1;
      return {
        status: existing ? 200 : 404,
        result: { _index: indexName, _id: docId, _version: version, result: existing ? 'deleted' : 'not_found', _shards: shards, _seq_no: ++this.seqNo, _primary_term: 1 },
      };
    }
    if (typeof source !== 'object' || source === null || Array.isArray(source)) {
      return failure(400, 'document_parsing_exception', `[1:1] failed to parse: the document of [${docId}] is not a JSON object`);
    }
    let doc = source as Record<string, unknown>;
    if (op === 'create' && existing) {
      return failure(409, 'version_conflict_engine_exception', `[${docId}]: version conflict, document already exists (current version [${existing.version}])`);
    }
    if (op === 'update') {
      const u = doc as { doc?: Record<string, unknown>; doc_as_upsert?: boolean; upsert?: Record<string, unknown> };
      if (!existing && !u.doc_as_upsert && !u.upsert) return failure(404, 'document_missing_exception', `[${docId}]: document missing`);
      doc = existing ? { ...existing.source, ...(u.doc ?? {}) } : (u.upsert ?? u.doc ?? {});
    }
    const version = (existing?.version ?? 0) + 1;
    index.docs.set(docId, { source: doc, version, seqNo: ++this.seqNo });
    return {
      status: existing ? 200 : 201,
      result: { _index: indexName, _id: docId, _version: version, result: existing ? 'updated' : 'created', _shards: shards, _seq_no: this.seqNo, _primary_term: 1 },
    };
  }

  private bulk(text: string, defaultIndex: string | undefined): StandinReply {
    const started = Date.now();
    const lines = text.split('\n').filter((l) => l.trim() !== '');
    const items: unknown[] = [];
    for (let i = 0; i < lines.length; i++) {
      let action: Record<string, { _index?: string; _id?: string }>;
      try {
        action = JSON.parse(lines[i]) as typeof action;
      } catch {
        return esError(400, 'illegal_argument_exception', `Malformed action/metadata line [${i + 1}], expected START_OBJECT but found [VALUE_STRING]`);
      }
      const op = Object.keys(action)[0];
      if (!['index', 'create', 'update', 'delete'].includes(op)) {
        return esError(400, 'illegal_argument_exception', `Malformed action/metadata line [${i + 1}], expected one of [create, delete, index, update] but found [${op}]`);
      }
      const meta = action[op] ?? {};
      const indexName = meta._index ?? defaultIndex;
      if (indexName === undefined) return esError(400, 'action_request_validation_exception', `Validation Failed: 1: index is missing;`);
      let source: unknown;
      if (op !== 'delete') {
        i++;
        if (i >= lines.length) return esError(400, 'illegal_argument_exception', `The bulk request must be terminated by a newline [\\n]`);
        try {
          source = JSON.parse(lines[i]) as unknown;
        } catch (e) {
          source = `not JSON: ${e instanceof Error ? e.message : String(e)}`;
        }
      }
      if (op === 'update' && meta._id === undefined) return esError(400, 'action_request_validation_exception', 'Validation Failed: 1: id is missing;');
      const item = this.write(op, indexName, meta._id, source);
      items.push({ [op]: { ...item.result, status: item.status } });
    }
    const errors = items.some((it) => Object.values(it as Record<string, { status: number }>)[0].status >= 300);
    return { status: 200, body: { errors, took: Date.now() - started, items } };
  }

  /** match_all and term (on a top-level field, or its .keyword) only: enough to see what a sink wrote. */
  private matcher(query: unknown): ((doc: Record<string, unknown>) => boolean) | string {
    if (query === undefined) return () => true;
    const q = query as Record<string, unknown>;
    if ('match_all' in q) return () => true;
    if ('term' in q && typeof q.term === 'object' && q.term !== null) {
      const [field, spec] = Object.entries(q.term as Record<string, unknown>)[0] ?? [];
      if (field === undefined) return 'term query without a field';
      const value = typeof spec === 'object' && spec !== null && 'value' in spec ? (spec as { value: unknown }).value : spec;
      const key = field.replace(/\.keyword$/, '');
      return (doc) => doc[key] === value;
    }
    return `query ${JSON.stringify(query)} is not supported by the stand-in (it knows match_all and term)`;
  }

  private query(kind: '_count' | '_search', target: string, body: unknown, params: URLSearchParams): StandinReply {
    const b = (body ?? {}) as { query?: unknown; size?: number; from?: number; aggs?: unknown; aggregations?: unknown };
    if (params.has('q')) return esError(400, 'standin_unsupported', 'the stand-in does not parse query strings (q=); send a JSON query (match_all or term)');
    if (b.aggs !== undefined || b.aggregations !== undefined) return esError(400, 'standin_unsupported', 'the stand-in computes no aggregations');
    const match = this.matcher(b.query);
    if (typeof match === 'string') return esError(400, 'standin_unsupported', match);
    const hits = this.targets(target).flatMap((name) =>
      [...this.indices.get(name)!.docs].filter(([, d]) => match(d.source)).map(([id, d]) => ({ _index: name, _id: id, _score: 1.0, _source: d.source })),
    );
    const shards = { total: 1, successful: 1, skipped: 0, failed: 0 };
    if (kind === '_count') return { status: 200, body: { count: hits.length, _shards: shards } };
    const from = Number(params.get('from') ?? b.from ?? 0);
    const size = Number(params.get('size') ?? b.size ?? 10);
    return {
      status: 200,
      body: { took: 0, timed_out: false, _shards: shards, hits: { total: { value: hits.length, relation: 'eq' }, max_score: hits.length ? 1.0 : null, hits: hits.slice(from, from + size) } },
    };
  }

  private catIndices(asJson: boolean): StandinReply {
    const rows = [...this.indices].map(([name, i]) => ({ health: 'yellow', status: 'open', index: name, uuid: i.uuid, pri: '1', rep: '1', 'docs.count': String(i.docs.size) }));
    if (asJson) return { status: 200, body: rows };
    return { status: 200, body: rows.map((r) => `${r.health} ${r.status} ${r.index} ${r.uuid} ${r.pri} ${r.rep} ${r['docs.count']}\n`).join('') };
  }
}
