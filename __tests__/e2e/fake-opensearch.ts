/**
 * A fake that stands in for OpenSearch 2.19.6 in the unit tests of the rehearsal's engine checks:
 * the unit suite runs without Docker or Java, so the real engine (lab-local/opensearch-node, and
 * integration/opensearch/ for the templates) cannot answer here. It answers the four calls the
 * checks make in the engine's answer shapes: GET /_index_template/<name>, GET /<index>/_mapping,
 * GET /<index>/_search?size=1 and POST /_msearch, and refuses, as OpenSearch does, an `_msearch`
 * whose Content-Type is not plain NDJSON or JSON (406, e.g. Elastic 8's compatible-with=8 type).
 *
 * It does not search: a search's answer is the index's documents (hits) or, for a search with
 * aggregations, one bucket per level holding all of them (and a metric value of 1 when it has
 * any). So it proves the checks' sending, order and judging, not the queries' semantics, which the
 * rehearsal proves against the real engine.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { FakeHttpServer } from '../support/fake-http-server';

type Json = Record<string, unknown>;

export interface FakeIndex {
  readonly mappings: Json;
  readonly documents: readonly Json[];
}

export interface SeenRequest {
  readonly method: string;
  readonly path: string;
  readonly contentType: string;
  readonly body: string;
}

function opensearchError(status: number, type: string, reason: string): Json {
  return { error: { root_cause: [{ type, reason }], type, reason }, status };
}

/** An aggregation tree's answer: one bucket per bucket level holding `documents` documents. */
function aggregationAnswer(aggs: Json, documents: number): Json {
  const out: Json = {};
  for (const [id, raw] of Object.entries(aggs)) {
    const agg = raw as Json;
    const inner = (agg.aggs ?? {}) as Json;
    if (agg.date_histogram || agg.terms) {
      const key = agg.terms ? 'LAB' : 1_765_000_000_000;
      out[id] = { buckets: documents > 0 ? [{ key, doc_count: documents, ...aggregationAnswer(inner, documents) }] : [] };
    } else out[id] = { value: documents > 0 ? 1 : null };
  }
  return out;
}

export class FakeOpenSearch extends FakeHttpServer {
  /** Stored templates by name, as GET /_index_template answers each `index_template`. */
  readonly templates = new Map<string, Json>();
  readonly indices = new Map<string, FakeIndex>();
  readonly requests: SeenRequest[] = [];

  protected handle(req: IncomingMessage, res: ServerResponse, body: string): void {
    const url = new URL(req.url ?? '/', 'http://fake');
    const contentType = req.headers['content-type'] ?? '';
    this.requests.push({ method: req.method ?? '', path: `${url.pathname}${url.search}`, contentType, body });
    const [status, answer] = this.route(req.method ?? 'GET', url.pathname.split('/').filter(Boolean).map(decodeURIComponent), contentType, body);
    res.writeHead(status, { 'Content-Type': 'application/json; charset=UTF-8' });
    res.end(JSON.stringify(answer));
  }

  private route(method: string, parts: string[], contentType: string, body: string): [number, Json] {
    if (method === 'GET' && parts[0] === '_index_template' && parts.length === 2) {
      const stored = this.templates.get(parts[1]);
      return stored
        ? [200, { index_templates: [{ name: parts[1], index_template: stored }] }]
        : [404, opensearchError(404, 'resource_not_found_exception', `index template matching [${parts[1]}] not found`)];
    }
    if (method === 'POST' && parts[0] === '_msearch') {
      if (!/^application\/(x-ndjson|json)\s*(;\s*charset=utf-8)?$/i.test(contentType)) {
        return [406, { error: `Content-Type header [${contentType}] is not supported`, status: 406 }];
      }
      return [200, { took: 1, responses: this.msearch(body) }];
    }
    const index = this.indices.get(parts[0] ?? '');
    const missing = opensearchError(404, 'index_not_found_exception', `no such index [${parts[0]}]`);
    if (method === 'GET' && parts[1] === '_mapping') return index ? [200, { [parts[0]]: { mappings: index.mappings } }] : [404, missing];
    if (method === 'GET' && parts[1] === '_search') return index ? [200, this.hits(index.documents.slice(0, 1))] : [404, missing];
    return [405, opensearchError(405, 'fake', `the fake has no ${method} /${parts.join('/')}`)];
  }

  private hits(documents: readonly Json[]): Json {
    return { took: 1, timed_out: false, hits: { total: { value: documents.length, relation: 'eq' }, hits: documents.map((d, i) => ({ _id: String(i), _source: d })) } };
  }

  private msearch(body: string): Json[] {
    const lines = body.split('\n');
    const answers: Json[] = [];
    // Pairs of header and body; the payload ends with a newline, so the last element is empty.
    for (let i = 0; i + 1 < lines.length; i += 2) {
      const header = JSON.parse(lines[i]) as Json;
      const search = JSON.parse(lines[i + 1]) as Json;
      const documents = this.indices.get(String(header.index))?.documents ?? [];
      const answer = this.hits(search.aggs ? [] : documents);
      if (search.aggs) {
        (answer.hits as Json).total = { value: documents.length, relation: 'eq' };
        answer.aggregations = aggregationAnswer(search.aggs as Json, documents.length);
      }
      answers.push({ ...answer, status: 200 });
    }
    return answers;
  }
}
