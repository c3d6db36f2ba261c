/**
 * Kibana stand-in: GET /api/status with the documented 8.x shape (overall level "available", which
 * the stack's health check greps for) and saved objects by type and id (POST/PUT/GET/DELETE
 * /api/saved_objects/{type}/{id}, GET /api/saved_objects/_find?type=). Like Kibana it refuses a
 * write without the kbn-xsrf header. It renders no UI and reads nothing from Elasticsearch.
 */
import { header, json, type StandinHandler, type StandinReply, type StandinRequest } from './http';

interface SavedObject {
  readonly type: string;
  readonly id: string;
  attributes: Record<string, unknown>;
  references: unknown[];
  version: number;
}

/** Kibana's (hapi's) error body. */
function boom(statusCode: number, error: string, message: string): StandinReply {
  return json(statusCode, { statusCode, error, message });
}

export class KibanaStandin implements StandinHandler {
  readonly service = 'kibana';
  readonly savedObjects = new Map<string, SavedObject>();

  constructor(private readonly version = '8.19.26') {}

  state(): unknown {
    return { savedObjects: [...this.savedObjects.values()].map(({ type, id }) => ({ type, id })) };
  }

  handle(req: StandinRequest): StandinReply {
    const { method, path } = req;
    if (method === 'GET' && path === '/api/status') {
      const available = { level: 'available', summary: 'All services and plugins are available' };
      return json(200, {
        name: 'kibana',
        uuid: 'standin',
        version: { number: this.version, build_hash: 'standin', build_number: 0, build_snapshot: false, build_flavor: 'traditional' },
        status: { overall: available, core: { elasticsearch: available, savedObjects: available }, plugins: {} },
        metrics: { last_updated: new Date().toISOString(), collection_interval_in_millis: 5000 },
      });
    }
    if (method !== 'GET' && method !== 'HEAD' && header(req.headers, 'kbn-xsrf') === undefined) {
      return boom(400, 'Bad Request', 'Request must contain a kbn-xsrf header.');
    }
    if (method === 'GET' && path === '/api/saved_objects/_find') {
      const types = req.query.getAll('type');
      const found = [...this.savedObjects.values()].filter((o) => types.length === 0 || types.includes(o.type));
      return json(200, { page: 1, per_page: found.length, total: found.length, saved_objects: found.map((o) => this.view(o)) });
    }
    const m = /^\/api\/saved_objects\/([^/_][^/]*)\/([^/]+)$/.exec(path);
    if (m) return this.savedObject(method, m[1], m[2], req);
    return boom(404, 'Not Found', `the Kibana stand-in has no route ${method} ${path}; it implements /api/status and /api/saved_objects`);
  }

  private view(o: SavedObject): unknown {
    return { type: o.type, id: o.id, attributes: o.attributes, references: o.references, version: `WzEsMV0=${o.version}`, namespaces: ['default'] };
  }

  private savedObject(method: string, type: string, id: string, req: StandinRequest): StandinReply {
    const key = `${type}/${id}`;
    const existing = this.savedObjects.get(key);
    if (method === 'GET') return existing ? json(200, this.view(existing)) : boom(404, 'Not Found', `Saved object [${key}] not found`);
    if (method === 'DELETE') {
      if (!existing) return boom(404, 'Not Found', `Saved object [${key}] not found`);
      this.savedObjects.delete(key);
      return json(200, {});
    }
    let body: { attributes?: unknown; references?: unknown };
    try {
      body = JSON.parse(req.body || '{}') as typeof body;
    } catch (e) {
      return boom(400, 'Bad Request', `Invalid request payload JSON format: ${e instanceof Error ? e.message : String(e)}`);
    }
    if (typeof body.attributes !== 'object' || body.attributes === null) {
      return boom(400, 'Bad Request', '[request body.attributes]: expected value of type [object]');
    }
    const attributes = body.attributes as Record<string, unknown>;
    const references = Array.isArray(body.references) ? body.references : [];
    if (method === 'POST') {
      if (existing && req.query.get('overwrite') !== 'true') return boom(409, 'Conflict', `Saved object [${key}] conflict`);
      const o: SavedObject = { type, id, attributes, references, version: (existing?.version ?? 0) + 1 };
      this.savedObjects.set(key, o);
      return json(200, this.view(o));
    }
    if (method === 'PUT') {
      if (!existing) return boom(404, 'Not Found', `Saved object [${key}] not found`);
      existing.attributes = { ...existing.attributes, ...attributes };
      existing.references = references;
      existing.version++;
      return json(200, this.view(existing));
    }
    return boom(404, 'Not Found', `no route ${method} /api/saved_objects/${key}`);
  }
}
