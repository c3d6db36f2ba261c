/**
 * Apache Pinot stand-in for the quick-start process the stack runs (controller on 9000, broker on
 * 8000, one container). Controller: GET /health ("OK"), schemas (POST /schemas, GET /schemas,
 * GET/DELETE /schemas/{name}) and table configs (POST /tables, GET /tables, GET/PUT/DELETE
 * /tables/{name}[?type=realtime|offline]), with the answers and {code, error} bodies of Pinot's
 * controller API. Broker: GET /health and POST /query/sql, which answers an empty result: the
 * stand-in consumes no stream and holds no segment.
 */
import { json, type StandinHandler, type StandinReply, type StandinRequest } from './http';

type TableType = 'OFFLINE' | 'REALTIME';

interface TableConfig {
  tableName?: unknown;
  tableType?: unknown;
  segmentsConfig?: { schemaName?: unknown };
}

function pinotError(code: number, error: string): StandinReply {
  return json(code, { code, error });
}

export const PINOT_LISTENERS = { controller: 'controller', broker: 'broker' } as const;

export class PinotStandin implements StandinHandler {
  readonly service = 'pinot';
  readonly schemas = new Map<string, Record<string, unknown>>();
  /** Keyed by table name with type: ratings_REALTIME. */
  readonly tables = new Map<string, TableConfig>();

  state(): unknown {
    return { schemas: [...this.schemas.keys()], tables: [...this.tables.keys()] };
  }

  handle(req: StandinRequest): StandinReply {
    if (req.method === 'GET' && req.path === '/health') return { status: 200, body: 'OK' };
    let body: unknown;
    try {
      body = req.body.trim() === '' ? undefined : JSON.parse(req.body);
    } catch (e) {
      return pinotError(400, `Invalid JSON: ${e instanceof Error ? e.message : String(e)}`);
    }
    if (req.listener === PINOT_LISTENERS.broker) return this.broker(req, body);
    const parts = req.path.split('/').filter((p) => p !== '');
    if (parts[0] === 'schemas') return this.schema(req, parts[1], body);
    if (parts[0] === 'tables') return this.table(req, parts[1], parts[2], body);
    return pinotError(404, `the Pinot stand-in has no controller route ${req.method} ${req.path}; it implements /health, /schemas and /tables`);
  }

  private broker(req: StandinRequest, body: unknown): StandinReply {
    if (req.method === 'POST' && req.path === '/query/sql') {
      if (typeof (body as { sql?: unknown } | undefined)?.sql !== 'string') return pinotError(400, 'Payload is missing the query string field \'sql\'');
      return json(200, {
        resultTable: { dataSchema: { columnNames: [], columnDataTypes: [] }, rows: [] },
        exceptions: [],
        numServersQueried: 0,
        numServersResponded: 0,
        numDocsScanned: 0,
        totalDocs: 0,
        timeUsedMs: 0,
      });
    }
    return pinotError(404, `the Pinot stand-in's broker answers GET /health and POST /query/sql only, not ${req.method} ${req.path}`);
  }

  private schema(req: StandinRequest, name: string | undefined, body: unknown): StandinReply {
    if (name === undefined) {
      if (req.method === 'GET') return json(200, [...this.schemas.keys()]);
      if (req.method === 'POST') {
        const schema = (body ?? {}) as Record<string, unknown>;
        const schemaName = schema.schemaName;
        if (typeof schemaName !== 'string' || schemaName === '') return pinotError(400, "Invalid schema. Reason: 'schemaName' is null");
        if (this.schemas.has(schemaName) && req.query.get('override') === 'false') {
          return pinotError(409, `Schema: ${schemaName} already exists`);
        }
        this.schemas.set(schemaName, schema);
        return json(200, { unrecognizedProperties: {}, status: `${schemaName} successfully added` });
      }
    } else {
      if (req.method === 'GET') return this.schemas.has(name) ? json(200, this.schemas.get(name)) : pinotError(404, 'Schema not found');
      if (req.method === 'DELETE') {
        if (!this.schemas.has(name)) return pinotError(404, `Schema ${name} not found`);
        const user = [...this.tables.keys()].find((t) => rawName(t) === name);
        if (user) return pinotError(409, `Cannot delete schema ${name}, as it is associated with table ${user}`);
        this.schemas.delete(name);
        return json(200, { status: `Schema ${name} deleted` });
      }
      if (req.method === 'PUT') {
        if (!this.schemas.has(name)) return pinotError(404, `Failed to find schema ${name}`);
        this.schemas.set(name, (body ?? {}) as Record<string, unknown>);
        return json(200, { unrecognizedProperties: {}, status: `${name} successfully added` });
      }
    }
    return pinotError(405, `${req.method} ${req.path} is not supported by the Pinot stand-in`);
  }

  private types(req: StandinRequest): TableType[] | string {
    const t = req.query.get('type');
    if (t === null) return ['OFFLINE', 'REALTIME'];
    const upper = t.toUpperCase();
    return upper === 'OFFLINE' || upper === 'REALTIME' ? [upper] : `Illegal table type: ${t}; use offline or realtime`;
  }

  private table(req: StandinRequest, name: string | undefined, sub: string | undefined, body: unknown): StandinReply {
    if (name === undefined) {
      if (req.method === 'GET') return json(200, { tables: [...new Set([...this.tables.keys()].map(rawName))] });
      if (req.method === 'POST') return this.addTable(body as TableConfig | undefined, undefined);
      return pinotError(405, `${req.method} /tables is not supported by the Pinot stand-in`);
    }
    const types = this.types(req);
    if (typeof types === 'string') return pinotError(400, types);
    if (sub === 'schema' && req.method === 'GET') {
      return this.schemas.has(name) ? json(200, this.schemas.get(name)) : pinotError(404, `Failed to fetch schema for table: ${name}`);
    }
    if (sub !== undefined) return pinotError(404, `the Pinot stand-in has no route ${req.method} ${req.path}`);
    const present = types.filter((t) => this.tables.has(`${name}_${t}`));
    if (req.method === 'GET') return json(200, Object.fromEntries(present.map((t) => [t, this.tables.get(`${name}_${t}`)])));
    if (req.method === 'DELETE') {
      if (present.length === 0) return pinotError(404, `Table '${name}' with type ${types.join(',')} does not exist`);
      for (const t of present) this.tables.delete(`${name}_${t}`);
      return json(200, { status: `Tables: [${present.map((t) => `${name}_${t}`).join(', ')}] deleted` });
    }
    if (req.method === 'PUT') return this.addTable(body as TableConfig | undefined, name);
    return pinotError(405, `${req.method} ${req.path} is not supported by the Pinot stand-in`);
  }

  /** POST /tables (name undefined) adds a table; PUT /tables/{name} updates an existing one. */
  private addTable(config: TableConfig | undefined, updating: string | undefined): StandinReply {
    const tableName = config?.tableName;
    const type = typeof config?.tableType === 'string' ? config.tableType.toUpperCase() : undefined;
    if (typeof tableName !== 'string' || tableName === '') return pinotError(400, "Invalid table config: 'tableName' is missing");
    if (type !== 'OFFLINE' && type !== 'REALTIME') return pinotError(400, `Invalid table config for ${tableName}: tableType must be OFFLINE or REALTIME`);
    const raw = rawName(tableName);
    const withType = `${raw}_${type}`;
    const schemaName = typeof config?.segmentsConfig?.schemaName === 'string' ? config.segmentsConfig.schemaName : raw;
    if (!this.schemas.has(schemaName)) return pinotError(400, `Invalid table config: ${withType} with error: Failed to find schema for table: ${withType}`);
    if (updating !== undefined) {
      if (rawName(updating) !== raw) return pinotError(400, `Request table ${updating} does not match table name in the body ${tableName}`);
      if (!this.tables.has(withType)) return pinotError(404, `Table ${withType} does not exist`);
      this.tables.set(withType, config!);
      return json(200, { unrecognizedProperties: {}, status: `Table config updated for ${withType}` });
    }
    if (this.tables.has(withType)) {
      return pinotError(409, `Table config for ${withType} already exists. If this is unexpected, try deleting the table to remove all metadata associated with it.`);
    }
    this.tables.set(withType, config!);
    return json(200, { unrecognizedProperties: {}, status: `Table ${withType} successfully added` });
  }
}

function rawName(name: string): string {
  return name.replace(/_(OFFLINE|REALTIME)$/, '');
}
