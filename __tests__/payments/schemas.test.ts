/**
 * The background registration that /healthz waits for: all three schemas, retried until the
 * registry takes them, against the documented-contract registry stand-in.
 */
import { SchemaRegistryClient } from '../../generators/formats/registry-client';
import { endpointsOf } from '../../payments/endpoints';
import { EndpointSchemas } from '../../payments/schemas';
import { startFakeRegistry, type FakeRegistry } from '../formats/fake-registry';

const endpoints = endpointsOf();
let registry: FakeRegistry;
let schemas: EndpointSchemas | undefined;

beforeEach(async () => {
  registry = await startFakeRegistry();
});
afterEach(async () => {
  schemas?.stop();
  await registry.close();
});

const until = async (condition: () => boolean): Promise<void> => {
  for (let i = 0; i < 200 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
};

it('not ready until every subject is registered; a failing registry is retried in the background until it takes them', async () => {
  registry.failWith(503, 50003, 'Error while forwarding the request to the leader', 4);
  const lines: string[] = [];
  schemas = new EndpointSchemas(new SchemaRegistryClient({ url: registry.url, timeoutMs: 1_000 }), endpoints, { retryMs: 20, log: (line) => lines.push(line) });
  expect(schemas.status()).toMatchObject({ ready: false, subjects: { 'payment_json-value': null, 'payment_avro-value': null, 'payment_protobuf-value': null } });
  schemas.registerAll();
  await until(() => schemas!.status().summary.includes('last error'));
  expect(schemas.status().ready).toBe(false);
  expect(schemas.status().summary).toMatch(/schemas registered; waiting for .*\(last error: payment_\w+-value: unavailable: .*forwarding the request/);
  await until(() => schemas!.status().ready);
  expect(schemas.status()).toEqual({ ready: true, summary: 'ok', subjects: { 'payment_json-value': expect.any(Number), 'payment_avro-value': expect.any(Number), 'payment_protobuf-value': expect.any(Number) } });
  expect(lines.some((line) => line.includes('retrying every 20 ms; /healthz stays 503 until registered'))).toBe(true);
  // Registered once: asking again costs no registry request.
  const before = registry.requests.length;
  await schemas.idFor(endpoints[0]);
  expect(registry.requests.length).toBe(before);
});

it('concurrent first requests for one endpoint share one registration', async () => {
  schemas = new EndpointSchemas(new SchemaRegistryClient({ url: registry.url, timeoutMs: 1_000 }), endpoints);
  expect(schemas.knownId(endpoints[1])).toBeUndefined();
  const ids = await Promise.all([schemas.idFor(endpoints[1]), schemas.idFor(endpoints[1]), schemas.idFor(endpoints[1])]);
  expect(new Set(ids).size).toBe(1);
  // Known from now on without a promise: what the request path reads first.
  expect(schemas.knownId(endpoints[1])).toBe(ids[0]);
  expect(schemas.knownId(endpoints[0])).toBeUndefined();
  expect(registry.requests.filter((r) => r.method === 'POST')).toHaveLength(1);
});
