/**
 * The HTTP handling of the payments API: routing, validation, idempotency by payment id,
 * serialization through the registry's schema id, the bounded wait for Kafka's acknowledgement,
 * and the status codes. Kafka and the registry are passed in, so the same handler runs against
 * the real ones and against the unit tests' stand-ins.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { DatasetRecord } from '../generators/dataset-module';
import { paymentsSchema } from '../generators/datasets/payments.schema';
import { SchemaRegistryError } from '../generators/formats/registry-client';
import { AckTimeoutError, BatcherClosedError, type OutgoingRecord } from './batcher';
import type { PaymentEndpoint } from './endpoints';
import { BadRequest, ClientGone, parseJson, PayloadTooLarge, readBody, requireDeclaredLengthWithin, requireJsonContentType, send, UnsupportedMediaType } from './http';
import { fingerprintOf, type FingerprintPart, type IdempotencyStore } from './idempotency';
import { KafkaUnavailableError } from './kafka-sender';
import type { SchemasStatus } from './schemas';
import { INTEGER_FIELDS, validatePayment, type CreatedAtWindow } from './validation';

export interface PaymentsAppDeps {
  readonly endpoints: readonly PaymentEndpoint[];
  readonly schemas: { knownId(endpoint: PaymentEndpoint): number | undefined; idFor(endpoint: PaymentEndpoint): Promise<number>; status(): SchemasStatus };
  /** Resolves when Kafka acknowledged the record; rejects with AckTimeoutError after `timeoutMs`. */
  readonly producer: { produce(topic: string, record: OutgoingRecord, timeoutMs?: number): Promise<void> };
  /** One random payment at event time `now` (GET). */
  readonly randomPayment: (now: number) => DatasetRecord;
  /** Whether Kafka takes and acknowledges records, and a word on it for /healthz. */
  readonly health: () => { readonly ok: boolean; readonly kafka: string };
  readonly idempotency: IdempotencyStore<PaymentReceipt>;
  readonly maxBodyBytes: number;
  /** Longest wait for Kafka's acknowledgement before the answer is 503. */
  readonly ackTimeoutMs: number;
  readonly createdAtWindow: CreatedAtWindow;
  readonly now?: () => number;
  readonly log?: (line: string) => void;
}

export interface PaymentsApp {
  readonly handle: (request: IncomingMessage, response: ServerResponse) => void;
  /**
   * For the server's 'checkContinue' event (a request with `Expect: 100-continue`): a POST with
   * the wrong Content-Type or a declared length over the limit is answered 415 / 413 at once,
   * without inviting the upload; anything else gets 100 Continue and is handled as usual.
   */
  readonly handleExpectContinue: (request: IncomingMessage, response: ServerResponse) => void;
  /** From now on every answer says Connection: close, so keep-alive clients let go during shutdown. */
  startDraining(): void;
  /** Requests received and not answered yet. */
  readonly inFlight: () => number;
}

/**
 * What a written payment's answer says, apart from its id: one object per endpoint, status and
 * schema id, shared by every payment it answers, so that remembering a payment's outcome for
 * retries keeps no object of its own alive.
 */
export interface PaymentReceipt {
  readonly status: number;
  readonly endpoint: PaymentEndpoint;
  readonly schemaId: number;
}

/** The answer's body: the payment's id and where it was written. */
function receiptBody(id: unknown, receipt: PaymentReceipt): Record<string, unknown> {
  return { id, topic: receipt.endpoint.topic, format: receipt.endpoint.format, schema_id: receipt.schemaId };
}

/** The same id was used before, within the idempotency window, for a different payment. */
class IdempotencyConflict extends Error {}

const NO_HEADERS: Readonly<Record<string, string>> = Object.freeze({});
const CONNECTION_CLOSE: Readonly<Record<string, string>> = Object.freeze({ connection: 'close' });

/** The path of a request's URL, without splitting the URL when it has no query (the usual case). */
function pathOf(url = '/'): string {
  const query = url.indexOf('?');
  return query < 0 ? url : url.slice(0, query);
}

const MAY_BE_WRITTEN =
  'The payment may still be written. Retry with the same body (same id): within the idempotency window the API answers ' +
  "the first request's outcome instead of writing the payment twice.";

const FIELD_NAMES = paymentsSchema.fields.map((field) => field.name);

/**
 * The fields that identify what a client asked for, in schema order: the id in its canonical
 * (lower-case) form, the others as sent (the validated record holds them as sent), except that
 * an omitted created_at stays omitted instead of the time the server stamped.
 */
function requestFingerprint(endpoint: PaymentEndpoint, payment: DatasetRecord, createdAtSent: boolean): number {
  const parts: FingerprintPart[] = [endpoint.path];
  for (const name of FIELD_NAMES) parts.push(name === 'created_at' && !createdAtSent ? null : (payment[name] ?? null));
  return fingerprintOf(parts);
}

export function createPaymentsApp(deps: PaymentsAppDeps): PaymentsApp {
  const byPath = new Map(deps.endpoints.map((endpoint) => [endpoint.path, endpoint]));
  const now = deps.now ?? Date.now;
  const log = deps.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  let draining = false;
  let inFlight = 0;
  const receipts = new Map<PaymentEndpoint, Map<number, PaymentReceipt>>();

  /** The shared receipt of `endpoint` for this status and schema id (a new one when the id changed). */
  function receiptFor(endpoint: PaymentEndpoint, status: number, schemaId: number): PaymentReceipt {
    let byStatus = receipts.get(endpoint);
    if (byStatus === undefined) receipts.set(endpoint, (byStatus = new Map()));
    const known = byStatus.get(status);
    if (known !== undefined && known.schemaId === schemaId) return known;
    const receipt: PaymentReceipt = Object.freeze({ status, endpoint, schemaId });
    byStatus.set(status, receipt);
    return receipt;
  }

  /**
   * `answered`: what this request answers, in at most the ack timeout. `settled`: the truth about
   * the record, which may come later: it resolves once written and rejects if it is not written
   * (or Kafka gave up on it, so a retry must write it again).
   */
  function write(endpoint: PaymentEndpoint, payment: DatasetRecord, status: number): { answered: Promise<PaymentReceipt>; settled: () => Promise<PaymentReceipt> } {
    let answer: PaymentReceipt | undefined;
    const answered = (async () => {
      const schemaId = deps.schemas.knownId(endpoint) ?? (await deps.schemas.idFor(endpoint));
      const value = endpoint.serde.serialize(schemaId, payment);
      answer = receiptFor(endpoint, status, schemaId);
      await deps.producer.produce(endpoint.topic, { key: payment.id as string, value, timestamp: payment.created_at as number }, deps.ackTimeoutMs);
      return answer;
    })();
    // Made only for a request that remembers its outcome (a POST): one promise less for a GET.
    const settled = (): Promise<PaymentReceipt> =>
      answered.catch(async (error: unknown) => {
        if (error instanceof AckTimeoutError && error.outcome !== undefined && answer !== undefined) {
          await error.outcome;
          return answer;
        }
        throw error;
      });
    return { answered, settled };
  }

  /** Waits for an earlier request with the same id, at most the ack timeout. */
  async function shareOutcome(outcome: Promise<PaymentReceipt>): Promise<PaymentReceipt> {
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new AckTimeoutError(`an earlier request with this id is still waiting for Kafka's acknowledgement after another ${deps.ackTimeoutMs} ms`, 'unknown')),
        deps.ackTimeoutMs,
      );
    });
    try {
      return await Promise.race([outcome, timedOut]);
    } finally {
      clearTimeout(timer);
    }
  }

  async function handlePost(endpoint: PaymentEndpoint, request: IncomingMessage, response: ServerResponse): Promise<void> {
    requireJsonContentType(request);
    const body = parseJson(await readBody(request, deps.maxBodyBytes), INTEGER_FIELDS);
    const checked = validatePayment(body, now(), deps.createdAtWindow);
    if (!checked.ok) throw new BadRequest(checked.field, checked.message);
    const payment = checked.record;
    const id = payment.id as string;
    const fingerprint = requestFingerprint(endpoint, payment, (body as Readonly<Record<string, unknown>>).created_at !== undefined);
    const known = deps.idempotency.lookup(id);
    if (known !== undefined) {
      if (known.fingerprint !== fingerprint) {
        throw new IdempotencyConflict(
          `id ${id} was already used for a different payment (or endpoint) within the idempotency window; a retry must repeat the same body to the same endpoint, a new payment needs a new id`,
        );
      }
      const answer = known.state === 'done' ? known.answer : await shareOutcome(known.outcome);
      send(response, answer.status, receiptBody(id, answer), { 'idempotent-replayed': 'true', ...closeHeader() });
      return;
    }
    const { answered, settled } = write(endpoint, payment, 201);
    deps.idempotency.begin(id, fingerprint, settled());
    const answer = await answered;
    send(response, answer.status, receiptBody(id, answer), closeHeader());
  }

  async function handleGet(endpoint: PaymentEndpoint, response: ServerResponse): Promise<void> {
    // Random payments get fresh ids that nobody retries: they stay out of the idempotency store.
    const payment = deps.randomPayment(now());
    const answer = await write(endpoint, payment, 200).answered;
    send(response, answer.status, { ...receiptBody(payment.id, answer), payment }, closeHeader());
  }

  // Shared, never written to: one object less per answer.
  const closeHeader = (): Readonly<Record<string, string>> => (draining ? CONNECTION_CLOSE : NO_HEADERS);

  function unavailable(response: ServerResponse, error: string, written: false | 'unknown', message: string): void {
    send(response, 503, { error, written, message: written === false ? `${message}. The payment was not written; retry later.` : `${message}. ${MAY_BE_WRITTEN}` }, { 'retry-after': '1', ...closeHeader() });
  }

  function fail(response: ServerResponse, error: unknown): void {
    const close = closeHeader();
    if (error instanceof ClientGone) {
      log(`payments-api: ${error.message}; nothing written`);
    } else if (error instanceof BadRequest) {
      send(response, 400, { error: 'invalid_payment', field: error.field, message: `${error.field} ${error.message}` }, close);
    } else if (error instanceof UnsupportedMediaType) {
      // The body was not read: the connection cannot carry another request.
      send(response, 415, { error: 'unsupported_media_type', message: error.message }, { connection: 'close' });
    } else if (error instanceof PayloadTooLarge) {
      send(response, 413, { error: 'payload_too_large', message: error.message }, { connection: 'close' });
    } else if (error instanceof IdempotencyConflict) {
      send(response, 409, { error: 'idempotency_conflict', field: 'id', message: error.message }, close);
    } else if (error instanceof AckTimeoutError) {
      unavailable(response, 'kafka_timeout', error.written, error.message);
    } else if (error instanceof BatcherClosedError) {
      unavailable(response, 'shutting_down', false, error.message);
    } else if (error instanceof KafkaUnavailableError) {
      unavailable(response, 'kafka_unavailable', error.written, error.message);
    } else if (error instanceof SchemaRegistryError && error.kind === 'unavailable') {
      unavailable(response, 'schema_registry_unavailable', false, error.message);
    } else if (error instanceof SchemaRegistryError) {
      send(response, 500, { error: 'schema_rejected', message: error.message }, close);
    } else {
      const message = error instanceof Error ? error.message : String(error);
      log(`payments-api: unexpected error: ${error instanceof Error ? error.stack : message}`);
      send(response, 500, { error: 'internal', message }, close);
    }
  }

  function healthz(response: ServerResponse): void {
    const kafka = deps.health();
    const schemas = deps.schemas.status();
    const ok = kafka.ok && schemas.ready && !draining;
    const status = draining ? 'draining' : ok ? 'ok' : 'unavailable';
    send(response, ok ? 200 : 503, { status, kafka: kafka.kafka, schema_registry: schemas.summary, schemas: schemas.subjects });
  }

  function handle(request: IncomingMessage, response: ServerResponse): void {
    const path = pathOf(request.url);
    const endpoint = byPath.get(path);
    if (endpoint !== undefined) {
      if (request.method !== 'GET' && request.method !== 'POST') {
        send(response, 405, { error: 'method_not_allowed', message: `${path} takes GET (a random payment) or POST (a payment as JSON)` }, { allow: 'GET, POST' });
        return;
      }
      inFlight++;
      (request.method === 'POST' ? handlePost(endpoint, request, response) : handleGet(endpoint, response))
        .catch((error: unknown) => fail(response, error))
        .finally(() => {
          inFlight--;
        });
      return;
    }
    if (path === '/healthz') {
      healthz(response);
      return;
    }
    send(response, 404, { error: 'not_found', message: `no endpoint ${path}; the endpoints are ${[...byPath.keys()].join(', ')} and /healthz` });
  }

  function handleExpectContinue(request: IncomingMessage, response: ServerResponse): void {
    const endpoint = byPath.get(pathOf(request.url));
    if (endpoint !== undefined && request.method === 'POST') {
      try {
        requireJsonContentType(request);
        requireDeclaredLengthWithin(request, deps.maxBodyBytes);
      } catch (error) {
        fail(response, error);
        return;
      }
    }
    response.writeContinue();
    handle(request, response);
  }

  return {
    handle,
    handleExpectContinue,
    startDraining: () => {
      draining = true;
    },
    inFlight: () => inFlight,
  };
}
