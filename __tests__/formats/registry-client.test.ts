/**
 * The Schema Registry client against an in-process stand-in (./fake-registry.ts): Confluent Schema
 * Registry cannot run in `npm test`. integration/payments runs the client against a real registry.
 */
import { createServer } from 'node:net';
import { SchemaRegistryClient, SchemaRegistryError, valueSubject } from '../../generators/formats/registry-client';
import { startFakeRegistry, type FakeRegistry } from './fake-registry';

const AVRO = { schema: '{"type":"record","name":"P","fields":[{"name":"id","type":"string"}]}', schemaType: 'AVRO' as const };
const PROTO = { schema: 'syntax = "proto3";\nmessage P { string id = 1; }\n', schemaType: 'PROTOBUF' as const };

/** A port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('SchemaRegistryClient', () => {
  let registry: FakeRegistry;
  beforeEach(async () => {
    registry = await startFakeRegistry('/apis/ccompat/v7');
  });
  afterEach(() => registry.close());

  it('names subjects by TopicNameStrategy', () => {
    expect(valueSubject('payment_avro')).toBe('payment_avro-value');
  });

  it('registers with POST /subjects/{subject}/versions {schema, schemaType} under the base path, and returns the id', async () => {
    const client = new SchemaRegistryClient({ url: registry.url });
    expect(await client.register('payment_protobuf-value', PROTO)).toBe(1);
    expect(registry.requests).toHaveLength(1);
    const [request] = registry.requests;
    expect(request.method).toBe('POST');
    expect(request.url).toBe('/apis/ccompat/v7/subjects/payment_protobuf-value/versions');
    expect(request.headers['content-type']).toBe('application/vnd.schemaregistry.v1+json');
    expect(JSON.parse(request.body)).toEqual({ schema: PROTO.schema, schemaType: 'PROTOBUF' });
  });

  it('caches ids: the same subject and schema is registered once, even when asked concurrently', async () => {
    const client = new SchemaRegistryClient({ url: registry.url });
    const ids = await Promise.all([client.register('a-value', AVRO), client.register('a-value', AVRO), client.register('a-value', AVRO)]);
    expect(ids).toEqual([1, 1, 1]);
    expect(await client.register('a-value', AVRO)).toBe(1);
    expect(registry.requests).toHaveLength(1);
    expect(await client.register('a-value', PROTO)).toBe(2);
    expect(registry.requests).toHaveLength(2);
  });

  it('reads a schema back by id; a missing schemaType means AVRO', async () => {
    const client = new SchemaRegistryClient({ url: registry.url });
    const avroId = await client.register('a-value', AVRO);
    const protoId = await client.register('p-value', PROTO);
    expect(await client.schemaById(avroId)).toEqual({ schema: AVRO.schema, schemaType: 'AVRO' });
    expect(await client.schemaById(protoId)).toEqual({ schema: PROTO.schema, schemaType: 'PROTOBUF' });
    expect(registry.requests.map((r) => r.url)).toContain(`/apis/ccompat/v7/schemas/ids/${avroId}`);
  });

  it('a 409 is a rejection that names the registry, the subject, the error code and a fix', async () => {
    registry.failWith(409, 409, 'Schema being registered is incompatible with an earlier schema');
    const client = new SchemaRegistryClient({ url: registry.url });
    const error = await client.register('payment_avro-value', AVRO).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SchemaRegistryError);
    const registryError = error as SchemaRegistryError;
    expect(registryError.kind).toBe('rejected');
    expect(registryError.status).toBe(409);
    expect(registryError.errorCode).toBe(409);
    expect(registryError.subject).toBe('payment_avro-value');
    expect(registryError.message).toContain(registry.url);
    expect(registryError.message).toContain("subject 'payment_avro-value'");
    expect(registryError.message).toContain('incompatible with an earlier schema');
    expect(registryError.message).toContain('PUT /config/payment_avro-value');
  });

  it('a 5xx is "unavailable", and a failure is not cached: the next call registers', async () => {
    registry.failWith(500, 50001, 'Error in the backend data store');
    const client = new SchemaRegistryClient({ url: registry.url });
    await expect(client.register('a-value', AVRO)).rejects.toMatchObject({ kind: 'unavailable', status: 500, errorCode: 50001 });
    expect(await client.register('a-value', AVRO)).toBe(1);
  });

  it('an unknown schema id is a rejection naming the id', async () => {
    const client = new SchemaRegistryClient({ url: registry.url });
    await expect(client.schemaById(99)).rejects.toThrow(/reading schema id 99: HTTP 404 error_code 40403/);
  });

  it('no registry listening: "unavailable", naming the URL, the subject and the setting to check', async () => {
    const url = `http://127.0.0.1:${await closedPort()}`;
    const client = new SchemaRegistryClient({ url, timeoutMs: 2_000 });
    const error = (await client.register('payment_json-value', AVRO).catch((e: unknown) => e)) as SchemaRegistryError;
    expect(error).toBeInstanceOf(SchemaRegistryError);
    expect(error.kind).toBe('unavailable');
    expect(error.message).toContain(`Schema Registry at ${url} is unavailable`);
    expect(error.message).toContain("subject 'payment_json-value'");
    expect(error.message).toContain('ECONNREFUSED');
    expect(error.message).toContain('SCHEMA_REGISTRY_URL');
  });

  it('a registry slower than the timeout is "unavailable" after the timeout', async () => {
    registry.delayMs = 1_000;
    const client = new SchemaRegistryClient({ url: registry.url, timeoutMs: 100 });
    const started = Date.now();
    await expect(client.register('a-value', AVRO)).rejects.toMatchObject({ kind: 'unavailable', message: expect.stringContaining('no answer within 100 ms') });
    expect(Date.now() - started).toBeLessThan(900);
  });

  it('sends user:password from the URL as basic auth and never shows it in messages', async () => {
    const withCredentials = registry.url.replace('http://', 'http://key%40org:s3cret@');
    const client = new SchemaRegistryClient({ url: withCredentials });
    expect(client.url).toBe(registry.url);
    await client.register('a-value', AVRO);
    expect(registry.requests[0].headers.authorization).toBe(`Basic ${Buffer.from('key@org:s3cret').toString('base64')}`);
    registry.failWith(401, 40101, 'Unauthorized');
    const error = (await client.register('b-value', AVRO).catch((e: unknown) => e)) as Error;
    expect(error.message).not.toContain('s3cret');
    expect(error.message).toContain('credentials');
  });

  it('refuses a URL that is not http(s), saying which setting to fix', () => {
    expect(() => new SchemaRegistryClient({ url: 'localhost:8081' })).toThrow(/must be http:\/\/ or https:\/\//);
    expect(() => new SchemaRegistryClient({ url: 'not a url' })).toThrow(/SCHEMA_REGISTRY_URL/);
  });
});
