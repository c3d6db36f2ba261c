import { ElasticsearchStandin } from '../../standins/elasticsearch';
import { bodyOf, call } from './request';

const ndjson = (...lines: unknown[]): string => lines.map((l) => JSON.stringify(l)).join('\n') + '\n';

describe('Elasticsearch stand-in', () => {
  let es: ElasticsearchStandin;
  beforeEach(() => {
    es = new ElasticsearchStandin('8.19.26');
  });

  it('sends X-Elastic-Product on every answer, errors included, as the Java client requires', () => {
    for (const [method, path] of [['GET', '/'], ['GET', '/missing/_count'], ['PATCH', '/_nothing']]) {
      expect(call(es, method, path).headers).toMatchObject({ 'X-Elastic-Product': 'Elasticsearch' });
    }
  });

  it('answers in the compatible media type when the client asks for it', () => {
    const accept = 'application/vnd.elasticsearch+json; compatible-with=8';
    expect(call(es, 'GET', '/', undefined, { headers: { accept } }).contentType).toBe('application/vnd.elasticsearch+json;compatible-with=8');
    expect(call(es, 'GET', '/').contentType).toBe('application/json');
  });

  it('reports the version of the image it replaces', () => {
    expect(bodyOf(call(es, 'GET', '/')).version).toMatchObject({ number: '8.19.26', build_flavor: 'default' });
  });

  it('puts, gets and deletes index templates, and 404s a missing one', () => {
    const template = { index_patterns: ['ratings*'], priority: 200, template: { settings: { number_of_replicas: 0 }, mappings: { properties: { id: { type: 'keyword' } } } } };
    expect(call(es, 'PUT', '/_index_template/ratings', template)).toMatchObject({ status: 200, body: { acknowledged: true } });
    expect(call(es, 'GET', '/_index_template/ratings').body).toEqual({ index_templates: [{ name: 'ratings', index_template: template }] });
    expect(call(es, 'HEAD', '/_index_template/ratings').status).toBe(200);
    expect(call(es, 'DELETE', '/_index_template/ratings').status).toBe(200);
    const missing = call(es, 'DELETE', '/_index_template/ratings');
    expect(missing.status).toBe(404);
    expect(bodyOf(missing).error).toMatchObject({ type: 'resource_not_found_exception', reason: 'index_template [ratings] missing' });
    expect(call(es, 'GET', '/_index_template/ratings').status).toBe(404);
    expect(call(es, 'PUT', '/_index_template/bad', { priority: 1 }).status).toBe(400);
  });

  it('creates an index on the first write from the highest-priority matching template', () => {
    call(es, 'PUT', '/_index_template/low', { index_patterns: ['rat*'], priority: 1, template: { mappings: { properties: { a: { type: 'text' } } } } });
    call(es, 'PUT', '/_index_template/high', { index_patterns: ['ratings*'], priority: 9, template: { mappings: { properties: { a: { type: 'keyword' } } } } });
    expect(call(es, 'POST', '/ratings_per_product/_doc', { a: 'x' }).status).toBe(201);
    expect(call(es, 'GET', '/ratings_per_product/_mapping').body).toEqual({ ratings_per_product: { mappings: { properties: { a: { type: 'keyword' } } } } });
    expect(es.state()).toEqual({ templates: ['low', 'high'], indices: { ratings_per_product: { docs: 1, template: 'high' } } });
  });

  it('applies a bulk request item by item, with per-item statuses and the errors flag', () => {
    const res = call(
      es,
      'POST',
      '/_bulk',
      ndjson(
        { index: { _index: 'orders', _id: '1' } },
        { total: 10 },
        { index: { _index: 'orders', _id: '1' } },
        { total: 11 },
        { create: { _index: 'orders', _id: '1' } },
        { total: 12 },
        { update: { _index: 'orders', _id: '2' } },
        { doc: { total: 5 }, doc_as_upsert: true },
        { delete: { _index: 'orders', _id: '3' } },
        { index: { _index: 'Orders' } },
        { total: 1 },
      ),
    );
    expect(res.status).toBe(200);
    const body = bodyOf(res) as { errors: boolean; items: Array<Record<string, { status: number; result?: string; error?: { type: string } }>> };
    expect(body.errors).toBe(true);
    expect(body.items.map((i) => Object.entries(i).map(([op, r]) => `${op} ${r.status} ${r.result ?? r.error?.type}`)[0])).toEqual([
      'index 201 created',
      'index 200 updated',
      'create 409 version_conflict_engine_exception',
      'update 201 created',
      'delete 404 not_found',
      'index 400 invalid_index_name_exception',
    ]);
    expect(bodyOf(call(es, 'GET', '/orders/_doc/1'))._source).toEqual({ total: 11 });
    expect(bodyOf(call(es, 'GET', '/orders/_count')).count).toBe(2);
  });

  it('takes the index of /{index}/_bulk when an action names none, and rejects a malformed line', () => {
    expect(bodyOf(call(es, 'POST', '/sessions/_bulk', ndjson({ index: {} }, { user: 'a' }))).errors).toBe(false);
    expect(bodyOf(call(es, 'GET', '/sessions/_count')).count).toBe(1);
    const bad = call(es, 'POST', '/_bulk', 'not json\n');
    expect(bad.status).toBe(400);
    expect(bodyOf(bad).error).toMatchObject({ type: 'illegal_argument_exception' });
    expect(call(es, 'POST', '/_bulk', ndjson({ index: {} }, { a: 1 })).status).toBe(400);
  });

  it('counts and searches across an index pattern, with match_all and term', () => {
    call(es, 'PUT', '/a-1/_doc/x', { user: 'ann' });
    call(es, 'PUT', '/a-2/_doc/y', { user: 'bob' });
    call(es, 'PUT', '/b/_doc/z', { user: 'ann' });
    expect(bodyOf(call(es, 'GET', '/a-*/_count')).count).toBe(2);
    expect(bodyOf(call(es, 'POST', '/_count', { query: { match_all: {} } })).count).toBe(3);
    const search = bodyOf(call(es, 'POST', '/_search', { query: { term: { 'user.keyword': 'ann' } }, size: 1 })) as { hits: { total: { value: number }; hits: unknown[] } };
    expect(search.hits.total.value).toBe(2);
    expect(search.hits.hits).toHaveLength(1);
    const unsupported = call(es, 'POST', '/_search', { query: { match: { user: 'ann' } } });
    expect(unsupported.status).toBe(400);
    expect(JSON.stringify(unsupported.body)).toContain('not supported by the stand-in');
    expect(call(es, 'GET', '/nothing/_count').status).toBe(404);
  });

  it('creates, inspects and deletes an index explicitly', () => {
    expect(call(es, 'HEAD', '/logs').status).toBe(404);
    expect(call(es, 'PUT', '/logs', { mappings: { properties: { m: { type: 'text' } } } }).body).toEqual({ acknowledged: true, shards_acknowledged: true, index: 'logs' });
    expect(call(es, 'HEAD', '/logs').status).toBe(200);
    expect(bodyOf(call(es, 'PUT', '/logs')).error).toMatchObject({ type: 'resource_already_exists_exception' });
    expect(call(es, 'GET', '/_cat/indices?format=json').body).toEqual([expect.objectContaining({ index: 'logs', 'docs.count': '0' })]);
    expect(call(es, 'DELETE', '/logs').status).toBe(200);
    expect(call(es, 'GET', '/logs').status).toBe(404);
  });

  it('reports yellow health, and the startup answers it is told to give first', () => {
    es.startup = ['red'];
    expect(call(es, 'GET', '/_cluster/health?wait_for_status=yellow&timeout=1s')).toMatchObject({ status: 408, body: { status: 'red', timed_out: true } });
    expect(call(es, 'GET', '/_cluster/health')).toMatchObject({ status: 200, body: { status: 'yellow' } });
    es.startup = ['down'];
    expect(es.handle({ method: 'GET', path: '/_cluster/health', query: new URLSearchParams(), headers: {}, body: '', listener: 'http' })).toBe('close');
  });

  it('answers a JSON parse error in a body as Elasticsearch does', () => {
    expect(bodyOf(call(es, 'PUT', '/_index_template/t', '{nope')).error).toMatchObject({ type: 'x_content_parse_exception' });
  });
});
