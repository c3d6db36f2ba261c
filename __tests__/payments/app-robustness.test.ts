/**
 * What the payments API does when the broker freezes, when clients retry, and when bodies are
 * hostile: bounded waits, 503 that says whether the payment is written, idempotency by id, and
 * never a 5xx for anything a client sends. Stand-ins as in ./harness.
 */
import { connect } from 'node:net';
import { createFaker } from '../../generators/random';
import { KafkaUnavailableError } from '../../payments/kafka-sender';
import { ACK_TIMEOUT_MS, endpoints, MAX_BODY, NOW, startHarness, VALID, type Harness } from './harness';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(() => h.close());

const idOf = (n: number): string => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const body = (overrides: Record<string, unknown> = {}): string => JSON.stringify({ ...VALID, ...overrides });
const keys = (): string[] => h.sender.produced.map((p) => p.record.key);
const until = async (condition: () => boolean): Promise<void> => {
  for (let i = 0; i < 500 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 5));
};

describe('a broker that does not acknowledge (frozen)', () => {
  it('answers 503 within the ack timeout: "unknown" for the payment sent, false for the one withdrawn from the queue', async () => {
    h.sender.frozen = true;
    const started = Date.now();
    const sent = h.call('POST', '/payment_json', body({ id: idOf(1) }));
    await until(() => h.sender.heldBatches === 1); // the first batch is in flight; the next one queues behind it
    const queued = h.call('POST', '/payment_json', body({ id: idOf(2) }));
    const [first, second] = await Promise.all([sent, queued]);
    expect(Date.now() - started).toBeLessThan(ACK_TIMEOUT_MS + 1_000);
    expect(first).toMatchObject({ status: 503, body: { error: 'kafka_timeout', written: 'unknown' } });
    expect(first.body.message).toMatch(/may still be written.*Retry with the same body \(same id\)/);
    expect(first.headers['retry-after']).toBe('1');
    expect(second).toMatchObject({ status: 503, body: { error: 'kafka_timeout', written: false } });
    expect(second.body.message).toMatch(/withdrawn before it was sent, so it is not written/);

    h.sender.thaw();
    await new Promise((resolve) => setTimeout(resolve, 50));
    // The sent one was written when the broker woke; the withdrawn one never is.
    expect(keys()).toEqual([idOf(1)]);
    // Retrying both, as the answers say: the first gets its outcome again, the second is written now.
    const retryFirst = await h.call('POST', '/payment_json', body({ id: idOf(1) }));
    expect(retryFirst).toMatchObject({ status: 201, body: { id: idOf(1), topic: 'payment_json' } });
    expect(retryFirst.headers['idempotent-replayed']).toBe('true');
    expect((await h.call('POST', '/payment_json', body({ id: idOf(2) }))).status).toBe(201);
    expect(keys()).toEqual([idOf(1), idOf(2)]);
  });

  it('a GET also answers 503 within the ack timeout instead of waiting for the broker', async () => {
    h.sender.frozen = true;
    const started = Date.now();
    expect(await h.call('GET', '/payment_avro')).toMatchObject({ status: 503, body: { error: 'kafka_timeout' } });
    expect(Date.now() - started).toBeLessThan(ACK_TIMEOUT_MS + 1_000);
    h.sender.thaw();
  });
});

describe('the id is an idempotency key', () => {
  it('the same payment POSTed again is written once and answered with the first answer', async () => {
    const first = await h.call('POST', '/payment_avro', body());
    const again = await h.call('POST', '/payment_avro', body());
    expect(first.status).toBe(201);
    expect(again).toMatchObject({ status: 201, body: first.body });
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(keys()).toEqual([VALID.id]);
  });

  it('a retry while the first request is still waiting for Kafka shares its outcome: one record, both 201', async () => {
    h.sender.frozen = true;
    const first = h.call('POST', '/payment_protobuf', body());
    await until(() => h.sender.heldBatches === 1);
    const retry = h.call('POST', '/payment_protobuf', body());
    await new Promise((resolve) => setTimeout(resolve, 50));
    h.sender.thaw();
    const answers = await Promise.all([first, retry]);
    expect(answers.map((a) => a.status)).toEqual([201, 201]);
    expect(answers[1].body).toEqual(answers[0].body);
    expect(keys()).toEqual([VALID.id]);
  });

  it('a payment without created_at is a retry too (the server stamps only the first)', async () => {
    const { created_at: _omitted, ...withoutCreatedAt } = VALID;
    expect((await h.call('POST', '/payment_json', JSON.stringify(withoutCreatedAt))).status).toBe(201);
    expect((await h.call('POST', '/payment_json', JSON.stringify(withoutCreatedAt))).status).toBe(201);
    expect(keys()).toEqual([VALID.id]);
  });

  it('the same id with a different payment or endpoint is 409, nothing written again', async () => {
    expect((await h.call('POST', '/payment_json', body())).status).toBe(201);
    const changed = await h.call('POST', '/payment_json', body({ payment_amount: 1 }));
    expect(changed).toMatchObject({ status: 409, body: { error: 'idempotency_conflict', field: 'id' } });
    expect(changed.body.message).toContain(VALID.id);
    expect((await h.call('POST', '/payment_avro', body())).status).toBe(409);
    expect(keys()).toEqual([VALID.id]);
  });

  it('a payment that was not written (Kafka down) is written by its retry', async () => {
    h.sender.failure = new KafkaUnavailableError('Kafka at 127.0.0.1:9092 is unavailable (test)');
    expect(await h.call('POST', '/payment_json', body())).toMatchObject({ status: 503, body: { written: false } });
    h.sender.failure = undefined;
    expect((await h.call('POST', '/payment_json', body())).status).toBe(201);
    expect(keys()).toEqual([VALID.id]);
  });
});

describe('what POST accepts', () => {
  it.each([
    ['no Content-Type', null],
    ['text/plain (what a web form can send cross-origin without a preflight)', 'text/plain'],
    ['application/x-www-form-urlencoded', 'application/x-www-form-urlencoded'],
    ['JSON in another charset', 'application/json; charset=iso-8859-1'],
  ])('%s: 415, nothing written', async (_what, contentType) => {
    const answer = await h.call('POST', '/payment_json', body(), { contentType });
    expect(answer).toMatchObject({ status: 415, body: { error: 'unsupported_media_type', message: expect.stringContaining('Content-Type: application/json') } });
    expect(keys()).toEqual([]);
  });

  it('application/json with a UTF-8 charset, in any case, is accepted', async () => {
    expect((await h.call('POST', '/payment_json', body(), { contentType: 'Application/JSON; Charset="UTF-8"' })).status).toBe(201);
  });

  it.each([
    ['0 (1970)', 0],
    ['2^53 - 1', 2 ** 53 - 1],
    ['8.64e15 (the last date JavaScript has)', 8.64e15],
    ['8 days ago', NOW - 8 * 86_400_000],
    ['6 minutes ahead', NOW + 6 * 60_000],
  ])('created_at %s: 400 naming the field and the window', async (_what, createdAt) => {
    const answer = await h.call('POST', '/payment_json', body({ created_at: createdAt }));
    expect(answer).toMatchObject({ status: 400, body: { field: 'created_at' } });
    expect(answer.body.message).toMatch(/^created_at must be epoch milliseconds from \d+ \(.*Z\) to \d+ \(.*Z\), i\.e\. at most 7 days before and 5 minutes after the server's clock/);
    expect(keys()).toEqual([]);
  });

  it('created_at at the edges of the window is accepted', async () => {
    expect((await h.call('POST', '/payment_json', body({ id: idOf(1), created_at: NOW - 7 * 86_400_000 }))).status).toBe(201);
    expect((await h.call('POST', '/payment_json', body({ id: idOf(2), created_at: NOW + 5 * 60_000 }))).status).toBe(201);
  });

  it('a lone surrogate in a string is 400 (it has no UTF-8 form), and so are bytes that are not UTF-8', async () => {
    // JSON's \ud800 escape is how a lone surrogate arrives: JSON.parse yields it as is.
    const surrogate = await h.call('POST', '/payment_protobuf', body({ payee_bank: 'HERE' }).replace('HERE', 'A\\ud800B'));
    expect(surrogate).toMatchObject({ status: 400, body: { field: 'payee_bank', message: expect.stringContaining('lone UTF-16 surrogate (\\ud800 at index 1)') } });
    // Latin-1 é (0xE9) where UTF-8 is required: decoding leniently would store U+FFFD instead.
    const [before, after] = body({ payee_bank: 'Caf@' }).split('@');
    const latin1 = Buffer.concat([Buffer.from(before), Buffer.from([0xe9]), Buffer.from(after)]);
    expect(await h.call('POST', '/payment_protobuf', latin1)).toMatchObject({ status: 400, body: { field: '(body)', message: expect.stringContaining('not valid UTF-8') } });
    expect(keys()).toEqual([]);
  });

  it('bytes that only a lenient decoder takes (an encoded surrogate, an overlong form, a cut sequence) are 400; a leading byte order mark is not part of the JSON', async () => {
    const [before, after] = body({ payee_bank: 'Caf@' }).split('@');
    const withBytes = (bytes: number[]): Buffer => Buffer.concat([Buffer.from(before), Buffer.from(bytes), Buffer.from(after)]);
    for (const bytes of [[0xed, 0xa0, 0x80], [0xc0, 0xaf], [0xe2, 0x82], [0xf4, 0x90, 0x80, 0x80]]) {
      expect(await h.call('POST', '/payment_json', withBytes(bytes))).toMatchObject({ status: 400, body: { field: '(body)', message: expect.stringContaining('not valid UTF-8') } });
    }
    expect(keys()).toEqual([]);
    const bom = await h.call('POST', '/payment_json', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), withBytes([0xc3, 0xa9])]));
    expect(bom.status).toBe(201);
    const endpoint = endpoints.find((e) => e.path === '/payment_json')!;
    expect(endpoint.serde.deserialize(h.sender.produced[0].record.value).record).toMatchObject({ payee_bank: 'Café' });
  });

  it('an account number of 2^53 - 1 is 400 (Avro cannot hold it), 2^53 - 2 is written in every format', async () => {
    expect(await h.call('POST', '/payment_avro', body({ payee_account_no: 2 ** 53 - 1 }))).toMatchObject({ status: 400, body: { field: 'payee_account_no' } });
    for (const [n, path] of ['/payment_json', '/payment_avro', '/payment_protobuf'].entries()) {
      expect((await h.call('POST', path, body({ id: idOf(n), payee_account_no: 2 ** 53 - 2 }))).status).toBe(201);
    }
  });
});

describe('hostile bodies never get a 5xx', () => {
  /** Values chosen to break parsers, validators and serializers. */
  const NASTY: readonly unknown[] = [
    null, true, false, 0, -0, -1, 1.5, 2 ** 31, 2 ** 53, 2 ** 53 - 1, -(2 ** 53), 1e308, -1e308, 5e-324, Number.MAX_VALUE,
    '', ' ', 'A\ud800B', '\udfff', '\u0000', '😀'.repeat(50), 'x'.repeat(300), '__proto__', [], [1], {}, { a: { b: [] } },
  ];
  const FIELDS = Object.keys(VALID);

  function hostileBodies(count: number): string[] {
    const faker = createFaker(42);
    const bodies: string[] = [
      '{"__proto__":{"polluted":1}}', '{"constructor":{"prototype":{}}}', '[]'.repeat(10), '['.repeat(5_000), '{"id":' + '['.repeat(1_000),
      '"just a string"', '123', 'null', 'true', '{"id":"' + '\\'.repeat(3) + '"}', '\ufeff' + body(), body() + body(), body().slice(0, -1),
    ];
    for (const field of FIELDS) for (const value of NASTY) bodies.push(JSON.stringify({ ...VALID, [field]: value }));
    for (let i = 0; i < count; i++) {
      const payment: Record<string, unknown> = { ...VALID, id: faker.string.uuid() };
      for (const field of faker.helpers.arrayElements(FIELDS, { min: 1, max: 3 })) {
        if (faker.datatype.boolean()) payment[field] = faker.helpers.arrayElement(NASTY);
        else delete payment[field];
      }
      if (faker.number.int(9) === 0) payment[faker.string.alpha(4)] = 1;
      bodies.push(JSON.stringify(payment));
    }
    return bodies;
  }

  it('over hundreds of hostile bodies on every endpoint: status < 500, and nothing logged as unexpected', async () => {
    const bodies = hostileBodies(300);
    const paths = ['/payment_json', '/payment_avro', '/payment_protobuf'];
    const statuses = new Map<number, number>();
    for (const [n, text] of bodies.entries()) {
      const answer = await h.call('POST', paths[n % paths.length], text);
      if (answer.status >= 500) throw new Error(`POST ${paths[n % paths.length]} ${text.slice(0, 200)} -> ${answer.status} ${JSON.stringify(answer.body)}`);
      statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
    }
    // The generator really produced both kinds: refused bodies and accepted ones.
    expect(statuses.get(400)).toBeGreaterThan(100);
    expect((statuses.get(201) ?? 0) + (statuses.get(409) ?? 0)).toBeGreaterThan(10);
    expect(h.logs.filter((line) => line.includes('unexpected'))).toEqual([]);
  });
});

it('a client that disconnects mid-body costs one short log line, no stack trace, nothing written', async () => {
  const port = Number(new URL(h.base).port);
  const socket = connect(port, '127.0.0.1');
  await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  socket.write(`POST /payment_json HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${MAX_BODY}\r\n\r\n{"id":`);
  await new Promise((resolve) => setTimeout(resolve, 50));
  socket.destroy();
  await new Promise((resolve) => setTimeout(resolve, 100));
  expect(h.logs.length).toBeLessThanOrEqual(1);
  for (const line of h.logs) {
    expect(line).not.toMatch(/unexpected|\n\s+at /);
    expect(line.length).toBeLessThan(120);
  }
  expect(h.app.inFlight()).toBe(0);
  expect(keys()).toEqual([]);
});
