/**
 * A small client of the Confluent Schema Registry REST API (also served by Apicurio Registry under
 * /apis/ccompat/v7 and by Redpanda): registers value schemas under TopicNameStrategy subjects and
 * reads schemas back by id. Ids are cached for the life of the client, because a registered
 * (subject, schema) pair keeps its id.
 *
 * Why not @kafkajs/confluent-schema-registry (evaluated 2026-11-30, issue 10 item 8; figures in
 * BENCHMARKS.md, "Schema Registry client"). Version 3.9.0, the newest one that allows Node 20
 * (4.x declares node >= 22), was run against the real Apicurio registry with the schemas derived
 * here, registered under the TopicNameStrategy subjects:
 * - Protobuf loses data: it parses the .proto without keepCase (no option for it), so the
 *   fields become camelCase and the record's snake_case keys match none of them: of a payment
 *   only `id` was encoded, 43 bytes instead of 92, every other field read back as its proto3
 *   default. It also writes no message indexes after the schema id (upstream issue #248; the
 *   fixes, PRs #256 and #258, are not merged and the 4.0.8 source still writes none), so ksqlDB,
 *   Confluent's deserializers and serde.ts cannot read its Protobuf records.
 * - JSON Schema: ajv in strict mode rejects the schema's `connect.type` keyword (an option turns
 *   strict off).
 * - register() also reads and, on a subject's first registration, sets the subject's
 *   compatibility (BACKWARD by default), and throws when an existing subject has another level
 *   (Apicurio answered NONE for one registered by this client): this client changes no config.
 * - An unreachable registry (ECONNREFUSED) comes back as an error with status 400, so it cannot
 *   be told from a rejected schema (the payments API answers 503 schema_registry_unavailable
 *   for the one, 500 schema_rejected for the other).
 * - It would add ajv 7, mappersmith and a second protobufjs (7.x, beside the project's 8.x).
 * Its Avro and JSON records were byte for byte those of serde.ts; its async encode() took 4.04 µs
 * a record for Avro against serde.ts's 2.59 µs (JSON 5.68 against 6.63; medians on a loaded
 * machine), so no speed is gained that would outweigh the above.
 */
import type { RegistrySchemaType } from './serde';

const CONTENT_TYPE = 'application/vnd.schemaregistry.v1+json';
const ACCEPT = 'application/vnd.schemaregistry.v1+json, application/vnd.schemaregistry+json, application/json';

/** TopicNameStrategy: the value schema of topic T lives under subject `T-value`. */
export const valueSubject = (topic: string): string => `${topic}-value`;

export interface RegisteredSchema {
  readonly schema: string;
  readonly schemaType: RegistrySchemaType;
}

/**
 * `unavailable`: no answer, a timeout, or a 5xx: retrying later can succeed (an API answers 503).
 * `rejected`: the registry answered 4xx (incompatible or invalid schema, auth, unknown id).
 */
export type SchemaRegistryErrorKind = 'unavailable' | 'rejected';

export class SchemaRegistryError extends Error {
  constructor(
    message: string,
    readonly kind: SchemaRegistryErrorKind,
    readonly registryUrl: string,
    readonly subject: string | undefined,
    readonly status?: number,
    readonly errorCode?: number,
  ) {
    super(message);
    this.name = 'SchemaRegistryError';
  }
}

export interface SchemaRegistryClientOptions {
  /** Base URL, e.g. http://localhost:8081 or http://localhost:8080/apis/ccompat/v7. user:password@ in it is sent as basic auth. */
  readonly url: string;
  /** Per request. Default 5,000 ms. */
  readonly timeoutMs?: number;
}

/** What the registry's error body says, when it is the documented {error_code, message}. */
function errorBody(text: string): { errorCode?: number; message?: string } {
  try {
    const parsed = JSON.parse(text) as { error_code?: unknown; message?: unknown };
    return {
      errorCode: typeof parsed.error_code === 'number' ? parsed.error_code : undefined,
      message: typeof parsed.message === 'string' ? parsed.message : undefined,
    };
  } catch {
    return {};
  }
}

function fixFor(status: number, subject: string | undefined): string {
  switch (status) {
    case 401:
    case 403:
      return 'check the registry credentials (user:password in the registry URL)';
    case 404:
      return subject === undefined
        ? 'the schema id is unknown to this registry: was the record written through another registry?'
        : 'check the registry URL: Confluent serves the API at its root, Apicurio under /apis/ccompat/v7';
    case 409:
      return `the subject already holds a schema this one is not compatible with: delete subject '${subject}' or set its compatibility to NONE (PUT /config/${subject})`;
    case 422:
      return 'the registry finds the schema invalid; it is derived from the dataset schema, so check that module';
    default:
      return 'see the registry log';
  }
}

export class SchemaRegistryClient {
  readonly url: string;
  private readonly base: string;
  private readonly authorization: string | undefined;
  private readonly timeoutMs: number;
  private readonly ids = new Map<string, Promise<number>>();
  private readonly schemas = new Map<number, Promise<RegisteredSchema>>();

  constructor(options: SchemaRegistryClientOptions) {
    let parsed: URL;
    try {
      parsed = new URL(options.url);
    } catch {
      throw new Error(`Schema Registry URL '${options.url}' is not a URL; pass e.g. http://localhost:8081 (--schema-registry-url or SCHEMA_REGISTRY_URL)`);
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
      throw new Error(`Schema Registry URL '${options.url}' must be http:// or https://`);
    }
    this.authorization =
      parsed.username !== '' ? `Basic ${Buffer.from(`${decodeURIComponent(parsed.username)}:${decodeURIComponent(parsed.password)}`).toString('base64')}` : undefined;
    parsed.username = '';
    parsed.password = '';
    // The URL without credentials: safe to put into error messages and logs.
    this.url = parsed.toString().replace(/\/+$/, '');
    this.base = this.url;
    this.timeoutMs = options.timeoutMs ?? 5_000;
  }

  /** POST /subjects/{subject}/versions: the schema's global id (the same id when already registered). */
  register(subject: string, schema: RegisteredSchema): Promise<number> {
    const key = `${subject}\u0000${schema.schemaType}\u0000${schema.schema}`;
    const cached = this.ids.get(key);
    if (cached !== undefined) return cached;
    const pending = this.request(`/subjects/${encodeURIComponent(subject)}/versions`, subject, `registering the ${schema.schemaType} schema of subject '${subject}'`, {
      method: 'POST',
      body: JSON.stringify({ schema: schema.schema, schemaType: schema.schemaType }),
    }).then((body) => {
      const id = (body as { id?: unknown }).id;
      if (typeof id !== 'number' || !Number.isInteger(id)) {
        throw new SchemaRegistryError(`Schema Registry at ${this.url} answered the registration of subject '${subject}' without an integer id: ${JSON.stringify(body).slice(0, 200)}`, 'rejected', this.url, subject);
      }
      return id;
    });
    this.ids.set(key, pending);
    // A failure is not cached: the next call tries again (the registry may be back).
    pending.catch(() => this.ids.delete(key));
    return pending;
  }

  /** GET /schemas/ids/{id}: the schema text and type (a missing schemaType means AVRO). */
  schemaById(id: number): Promise<RegisteredSchema> {
    const cached = this.schemas.get(id);
    if (cached !== undefined) return cached;
    const pending = this.request(`/schemas/ids/${id}`, undefined, `reading schema id ${id}`, { method: 'GET' }).then((body): RegisteredSchema => {
      const { schema, schemaType } = body as { schema?: unknown; schemaType?: unknown };
      if (typeof schema !== 'string') {
        throw new SchemaRegistryError(`Schema Registry at ${this.url} answered schema id ${id} without a schema string`, 'rejected', this.url, undefined);
      }
      const type = schemaType === undefined || schemaType === null ? 'AVRO' : schemaType;
      if (type !== 'AVRO' && type !== 'PROTOBUF' && type !== 'JSON') {
        throw new SchemaRegistryError(`Schema Registry at ${this.url}: schema id ${id} has schemaType '${String(type)}', not AVRO, PROTOBUF or JSON`, 'rejected', this.url, undefined);
      }
      return { schema, schemaType: type };
    });
    this.schemas.set(id, pending);
    pending.catch(() => this.schemas.delete(id));
    return pending;
  }

  private async request(path: string, subject: string | undefined, what: string, init: { method: 'GET' | 'POST'; body?: string }): Promise<unknown> {
    const headers: Record<string, string> = { accept: ACCEPT };
    if (init.body !== undefined) headers['content-type'] = CONTENT_TYPE;
    if (this.authorization !== undefined) headers.authorization = this.authorization;
    let response: Response;
    try {
      response = await fetch(`${this.base}${path}`, { method: init.method, headers, body: init.body, signal: AbortSignal.timeout(this.timeoutMs) });
    } catch (error) {
      const name = errorField(error, 'name');
      const timedOut = name === 'TimeoutError' || name === 'AbortError';
      const cause = timedOut ? `no answer within ${this.timeoutMs} ms` : describeNetworkError(error);
      throw new SchemaRegistryError(
        `Schema Registry at ${this.url} is unavailable while ${what}: ${cause}; is it running and is the URL right (--schema-registry-url / SCHEMA_REGISTRY_URL)?`,
        'unavailable',
        this.url,
        subject,
      );
    }
    const text = await response.text().catch(() => '');
    if (response.ok) {
      try {
        return JSON.parse(text) as unknown;
      } catch {
        throw new SchemaRegistryError(`Schema Registry at ${this.url} answered ${what} with ${response.status} but no JSON: ${text.slice(0, 200)}`, 'rejected', this.url, subject, response.status);
      }
    }
    const { errorCode, message } = errorBody(text);
    const kind: SchemaRegistryErrorKind = response.status >= 500 ? 'unavailable' : 'rejected';
    throw new SchemaRegistryError(
      `Schema Registry at ${this.url} refused ${what}: HTTP ${response.status}${errorCode !== undefined ? ` error_code ${errorCode}` : ''}: ${message ?? (text.slice(0, 200) || '(empty body)')}; ${fixFor(response.status, subject)}`,
      kind,
      this.url,
      subject,
      response.status,
      errorCode,
    );
  }
}

/**
 * A property of a thrown value, read without `instanceof Error`: fetch's errors come from another
 * realm under test runners' VM contexts, where instanceof is false.
 */
function errorField(error: unknown, field: 'name' | 'message' | 'code' | 'cause'): unknown {
  return typeof error === 'object' && error !== null ? (error as Record<string, unknown>)[field] : undefined;
}

/** fetch's TypeError ("fetch failed") hides the socket error in `cause` (ECONNREFUSED, ENOTFOUND). */
function describeNetworkError(error: unknown): string {
  const cause = errorField(error, 'cause');
  const causeMessage = errorField(cause, 'message');
  if (typeof causeMessage === 'string') {
    const code = errorField(cause, 'code');
    return typeof code === 'string' ? `${code} (${causeMessage})` : causeMessage;
  }
  const message = errorField(error, 'message');
  return typeof message === 'string' ? message : String(error);
}
