/**
 * The HTTP handling of the payments API: routing, body limits, validation, serialization through
 * the registry's schema id, and the status codes. Kafka and the registry are passed in, so the
 * same handler runs against the real ones and against the unit tests' stand-ins.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { DatasetRecord } from '../generators/dataset-module';
import { SchemaRegistryError, type RegisteredSchema } from '../generators/formats/registry-client';
import type { OutgoingRecord } from './batcher';
import type { PaymentEndpoint } from './endpoints';
import { KafkaUnavailableError } from './kafka-sender';
import { validatePayment } from './validation';

export interface PaymentsAppDeps {
  readonly endpoints: readonly PaymentEndpoint[];
  readonly registry: { register(subject: string, schema: RegisteredSchema): Promise<number> };
  readonly producer: { produce(topic: string, record: OutgoingRecord): Promise<void> };
  /** One random payment at event time `now` (GET). */
  readonly randomPayment: (now: number) => DatasetRecord;
  /** Whether the producer is connected, and a word on Kafka and the registry for /healthz. */
  readonly health: () => { readonly ok: boolean; readonly kafka: string; readonly registry: string };
  readonly maxBodyBytes: number;
  readonly now?: () => number;
}

export interface PaymentsApp {
  readonly handle: (request: IncomingMessage, response: ServerResponse) => void;
  /** From now on every answer says Connection: close, so keep-alive clients let go during shutdown. */
  startDraining(): void;
  /** Requests received and not answered yet. */
  readonly inFlight: () => number;
}

type Json = Readonly<Record<string, unknown>>;

class BadRequest extends Error {
  constructor(
    readonly field: string,
    message: string,
    /** The body was not read to its end: the connection cannot carry another request. */
    readonly closeConnection = false,
  ) {
    super(message);
  }
}

function send(response: ServerResponse, status: number, body: Json, headers: Readonly<Record<string, string>> = {}): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  response.end(text);
}

/** Reads the body up to `limit` bytes; a bigger one is refused without reading the rest. */
function readBody(request: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    return Promise.reject(new BadRequest('(body)', `is ${declared} bytes; at most ${limit} bytes are accepted`, true));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    request.on('data', (chunk: Buffer) => {
      if (done) return;
      size += chunk.length;
      if (size > limit) {
        done = true;
        request.pause();
        reject(new BadRequest('(body)', `is more than ${limit} bytes; at most ${limit} bytes are accepted`, true));
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => {
      if (!done) resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks));
    });
    request.on('error', (error) => {
      if (!done) reject(error);
      done = true;
    });
  });
}

function parseJson(body: Buffer): unknown {
  if (body.length === 0) throw new BadRequest('(body)', 'is empty; POST a payment as a JSON object');
  try {
    return JSON.parse(body.toString('utf8')) as unknown;
  } catch (error) {
    throw new BadRequest('(body)', `is not valid JSON (${error instanceof Error ? error.message : String(error)})`);
  }
}

export function createPaymentsApp(deps: PaymentsAppDeps): PaymentsApp {
  const byPath = new Map(deps.endpoints.map((endpoint) => [endpoint.path, endpoint]));
  const now = deps.now ?? Date.now;
  let draining = false;
  let inFlight = 0;

  // A registered schema keeps its id, so each endpoint asks the registry until the first success.
  const schemaIds = new Map<PaymentEndpoint, number>();

  async function produce(endpoint: PaymentEndpoint, payment: DatasetRecord): Promise<number> {
    let schemaId = schemaIds.get(endpoint);
    if (schemaId === undefined) {
      schemaId = await deps.registry.register(endpoint.subject, { schema: endpoint.serde.schemaText, schemaType: endpoint.serde.schemaType });
      schemaIds.set(endpoint, schemaId);
    }
    const value = endpoint.serde.serialize(schemaId, payment);
    await deps.producer.produce(endpoint.topic, { key: payment.id as string, value, timestamp: payment.created_at as number });
    return schemaId;
  }

  async function handlePayment(endpoint: PaymentEndpoint, request: IncomingMessage, response: ServerResponse): Promise<void> {
    let payment: DatasetRecord;
    let status: number;
    if (request.method === 'POST') {
      const body = parseJson(await readBody(request, deps.maxBodyBytes));
      const checked = validatePayment(body, now());
      if (!checked.ok) throw new BadRequest(checked.field, checked.message);
      payment = checked.record;
      status = 201;
    } else {
      payment = deps.randomPayment(now());
      status = 200;
    }
    const schemaId = await produce(endpoint, payment);
    const answer: Json = { id: payment.id, topic: endpoint.topic, format: endpoint.format, schema_id: schemaId };
    send(response, status, request.method === 'GET' ? { ...answer, payment } : answer, draining ? { connection: 'close' } : {});
  }

  function fail(response: ServerResponse, error: unknown): void {
    const close: Record<string, string> = draining ? { connection: 'close' } : {};
    if (error instanceof BadRequest) {
      send(response, 400, { error: 'invalid_payment', field: error.field, message: `${error.field} ${error.message}` }, error.closeConnection ? { connection: 'close' } : close);
    } else if (error instanceof KafkaUnavailableError) {
      send(response, 503, { error: 'kafka_unavailable', message: error.message }, { 'retry-after': '1', ...close });
    } else if (error instanceof SchemaRegistryError && error.kind === 'unavailable') {
      send(response, 503, { error: 'schema_registry_unavailable', message: error.message }, { 'retry-after': '1', ...close });
    } else if (error instanceof SchemaRegistryError) {
      send(response, 500, { error: 'schema_rejected', message: error.message }, close);
    } else {
      const message = error instanceof Error ? error.message : String(error);
      process.stderr.write(`payments-api: unexpected error: ${error instanceof Error ? error.stack : message}\n`);
      send(response, 500, { error: 'internal', message }, close);
    }
  }

  function handle(request: IncomingMessage, response: ServerResponse): void {
    const path = (request.url ?? '/').split('?', 1)[0];
    const endpoint = byPath.get(path);
    if (endpoint !== undefined) {
      if (request.method !== 'GET' && request.method !== 'POST') {
        send(response, 405, { error: 'method_not_allowed', message: `${path} takes GET (a random payment) or POST (a payment as JSON)` }, { allow: 'GET, POST' });
        return;
      }
      inFlight++;
      handlePayment(endpoint, request, response)
        .catch((error: unknown) => fail(response, error))
        .finally(() => {
          inFlight--;
        });
      return;
    }
    if (path === '/healthz') {
      const health = deps.health();
      send(response, health.ok && !draining ? 200 : 503, { status: draining ? 'draining' : health.ok ? 'ok' : 'unavailable', kafka: health.kafka, schema_registry: health.registry });
      return;
    }
    send(response, 404, { error: 'not_found', message: `no endpoint ${path}; the endpoints are ${[...byPath.keys()].join(', ')} and /healthz` });
  }

  return {
    handle,
    startDraining: () => {
      draining = true;
    },
    inFlight: () => inFlight,
  };
}
