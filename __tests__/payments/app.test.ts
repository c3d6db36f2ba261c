/**
 * The payments API's HTTP behaviour on a real node:http server, with the stand-ins of ./harness
 * for Kafka and the Schema Registry. app-robustness.test.ts covers timeouts, idempotency and
 * hostile input; integration/payments runs the same API against a real broker and registry.
 */
import { KafkaUnavailableError } from '../../payments/kafka-sender';
import { startFakeRegistry } from '../formats/fake-registry';
import { endpoints, MAX_BODY, NOW, startHarness, VALID, type Harness } from './harness';

let h: Harness;

beforeEach(async () => {
  h = await startHarness();
});

afterEach(() => h.close());

describe.each(endpoints.map((e) => [e.path, e] as const))('%s', (path, endpoint) => {
  it('POST a valid payment: 201 with its id; one record on the topic, keyed by id, timestamped created_at, in the registered schema', async () => {
    const answer = await h.call('POST', path, JSON.stringify(VALID));
    expect(answer.status).toBe(201);
    expect(answer.body).toEqual({ id: VALID.id, topic: endpoint.topic, format: endpoint.format, schema_id: 1 });
    expect(h.sender.produced).toHaveLength(1);
    const [{ topic, record }] = h.sender.produced;
    expect(topic).toBe(endpoint.topic);
    expect(record.key).toBe(VALID.id);
    expect(record.timestamp).toBe(VALID.created_at);
    expect(endpoint.serde.deserialize(record.value)).toEqual({ schemaId: 1, record: VALID });
    const registration = h.registry.requests.find((r) => r.method === 'POST')!;
    expect(registration.url).toBe(`/subjects/${endpoint.topic}-value/versions`);
    expect(JSON.parse(registration.body)).toEqual({ schema: endpoint.serde.schemaText, schemaType: endpoint.serde.schemaType });
  });

  it('GET: 200 with a random payment, which is what was produced', async () => {
    const answer = await h.call('GET', path);
    expect(answer.status).toBe(200);
    const payment = answer.body.payment as Record<string, unknown>;
    expect(answer.body.id).toBe(payment.id);
    expect(payment.created_at).toBe(NOW);
    expect(h.sender.produced).toHaveLength(1);
    expect(h.sender.produced[0].record.key).toBe(payment.id);
    expect(endpoint.serde.deserialize(h.sender.produced[0].record.value).record).toEqual(payment);
  });
});

describe('invalid POST bodies: 400 naming the field, nothing produced', () => {
  const path = '/payment_avro';
  const { payment_amount: _amount, ...missingAmount } = VALID;

  it.each([
    ['a missing field', JSON.stringify(missingAmount), 'payment_amount', /payment_amount is missing/],
    ['a wrong type', JSON.stringify({ ...VALID, payor_account_no: 'abc' }), 'payor_account_no', /32-bit integer, got a string/],
    ['a negative amount', JSON.stringify({ ...VALID, payment_amount: -20 }), 'payment_amount', /greater than 0, got -20/],
    ['a zero amount', JSON.stringify({ ...VALID, payment_amount: 0 }), 'payment_amount', /greater than 0, got 0/],
    ['an unknown field', JSON.stringify({ ...VALID, memo: 'x' }), 'memo', /not a field of payments/],
    ['non-JSON', 'id=1&amount=5', '(body)', /not valid JSON/],
    ['an empty body', '', '(body)', /is empty/],
    ['a JSON array', '[1,2]', '(body)', /must be a JSON object/],
  ])('%s', async (_what, body, field, message) => {
    const answer = await h.call('POST', path, body);
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ error: 'invalid_payment', field });
    expect(answer.body.message).toMatch(message);
    expect(h.sender.produced).toHaveLength(0);
  });

  it('a huge payload with Content-Length over the limit is refused without reading it', async () => {
    const huge = JSON.stringify({ ...VALID, payee_bank: 'B'.repeat(100_000) });
    const answer = await h.call('POST', path, huge);
    expect(answer.status).toBe(413);
    expect(answer.body).toMatchObject({ error: 'payload_too_large', message: expect.stringContaining(`at most ${MAX_BODY} bytes`) });
    expect(answer.headers.connection).toBe('close');
    expect(h.sender.produced).toHaveLength(0);
  });

  it('a huge chunked payload (no Content-Length) is cut off at the limit', async () => {
    const huge = JSON.stringify({ ...VALID, payee_bank: 'B'.repeat(100_000) });
    const answer = await h.call('POST', path, huge, { chunked: true });
    expect(answer.status).toBe(413);
    expect(answer.body).toMatchObject({ error: 'payload_too_large', message: expect.stringContaining(`more than ${MAX_BODY} bytes`) });
    expect(h.sender.produced).toHaveLength(0);
  });

  it('the server still serves valid payments after refusing invalid ones', async () => {
    await h.call('POST', path, '{oops');
    expect((await h.call('POST', path, JSON.stringify(VALID))).status).toBe(201);
    expect(h.sender.produced).toHaveLength(1);
  });
});

describe('unavailable dependencies: 503', () => {
  it('Kafka unavailable: 503 kafka_unavailable with Retry-After, and the cause', async () => {
    h.sender.failure = new KafkaUnavailableError('Kafka at 127.0.0.1:9092 did not acknowledge the batch: Connection error');
    const answer = await h.call('POST', '/payment_json', JSON.stringify(VALID));
    expect(answer.status).toBe(503);
    expect(answer.body).toMatchObject({ error: 'kafka_unavailable', message: expect.stringContaining('Connection error') });
    expect(answer.headers['retry-after']).toBe('1');
    expect((await h.call('GET', '/payment_protobuf')).status).toBe(503);
  });

  it('Schema Registry unreachable: 503 schema_registry_unavailable naming the registry, nothing produced', async () => {
    const url = h.registry.url;
    await h.registry.close();
    const answer = await h.call('POST', '/payment_protobuf', JSON.stringify(VALID));
    expect(answer.status).toBe(503);
    expect(answer.body).toMatchObject({ error: 'schema_registry_unavailable', message: expect.stringContaining(`Schema Registry at ${url}`) });
    expect(h.sender.produced).toHaveLength(0);
    h.registry = await startFakeRegistry(); // for afterEach
  });

  it('Schema Registry answering 5xx: 503; once it recovers the same endpoint produces', async () => {
    h.registry.failWith(503, 50003, 'Error while forwarding the request to the leader');
    expect((await h.call('POST', '/payment_avro', JSON.stringify(VALID))).status).toBe(503);
    expect((await h.call('POST', '/payment_avro', JSON.stringify(VALID))).status).toBe(201);
    expect(h.sender.produced).toHaveLength(1);
  });

  it('a schema the registry rejects (409 incompatible) is a 500 naming the subject, not a 503', async () => {
    h.registry.failWith(409, 409, 'Schema being registered is incompatible with an earlier schema');
    const answer = await h.call('POST', '/payment_avro', JSON.stringify(VALID));
    expect(answer.status).toBe(500);
    expect(answer.body).toMatchObject({ error: 'schema_rejected', message: expect.stringContaining("subject 'payment_avro-value'") });
    expect(h.sender.produced).toHaveLength(0);
  });
});

describe('other routes', () => {
  it('/healthz: 503 until all three schemas are registered, saying which; then 200 while Kafka is healthy, 503 when not, 503 draining', async () => {
    // Kafka is fine but no schema is registered yet: ksqlDB statements waiting on this check would fail.
    const starting = await h.call('GET', '/healthz');
    expect(starting).toMatchObject({ status: 503, body: { status: 'unavailable', kafka: 'connected', schemas: { 'payment_json-value': null, 'payment_avro-value': null, 'payment_protobuf-value': null } } });
    expect(starting.body.schema_registry).toMatch(/^0 of 3 schemas registered; waiting for payment_json-value, payment_avro-value, payment_protobuf-value/);
    // One endpoint used: still not healthy, and the body names the two missing subjects.
    expect((await h.call('POST', '/payment_avro', JSON.stringify(VALID))).status).toBe(201);
    expect(await h.call('GET', '/healthz')).toMatchObject({ status: 503, body: { schema_registry: expect.stringMatching(/^1 of 3 .*payment_json-value, payment_protobuf-value/), schemas: { 'payment_avro-value': 1 } } });
    h.schemas.registerAll();
    for (let i = 0; i < 100 && !h.schemas.status().ready; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(await h.call('GET', '/healthz')).toMatchObject({ status: 200, body: { status: 'ok', kafka: 'connected', schema_registry: 'ok', schemas: { 'payment_avro-value': 1, 'payment_json-value': 2, 'payment_protobuf-value': 3 } } });
    h.kafkaHealthy = false;
    expect(await h.call('GET', '/healthz')).toMatchObject({ status: 503, body: { status: 'unavailable' } });
    h.kafkaHealthy = true;
    h.app.startDraining();
    expect(await h.call('GET', '/healthz')).toMatchObject({ status: 503, body: { status: 'draining' } });
    const answer = await h.call('POST', '/payment_json', JSON.stringify({ ...VALID, id: '6f1c1f0e-8a5e-4d8e-9f5e-0c2b7b0b6a12' }));
    expect(answer.status).toBe(201);
    expect(answer.headers.connection).toBe('close');
  });

  it('unknown paths are 404 listing the endpoints; other methods are 405 with Allow', async () => {
    const missing = await h.call('GET', '/payment_xml');
    expect(missing.status).toBe(404);
    expect(missing.body.message).toContain('/payment_json, /payment_avro, /payment_protobuf');
    const put = await h.call('PUT', '/payment_json', JSON.stringify(VALID));
    expect(put.status).toBe(405);
    expect(put.headers.allow).toBe('GET, POST');
    expect(h.sender.produced).toHaveLength(0);
  });
});
