/** The structural diff that the non-default stack snapshots hold. */
import { stackDiff } from '../support/tf-diff';

const BASE = {
  output: { a_url: { value: 'http://127.0.0.1:1' } },
  provider: { kafka: [{ bootstrap_servers: ['127.0.0.1:9092'], tls_enabled: false }] },
  resource: {
    docker_container: {
      ksqldb: { env: ['A=1', 'B=2'], memory: 1024, ports: [{ internal: 8088, ip: '127.0.0.1' }] },
      kibana: { memory: 640 },
    },
  },
};

describe('stackDiff', () => {
  it('is empty for the same stack', () => {
    expect(stackDiff(BASE, structuredClone(BASE))).toEqual({ added: {}, removed: [], changed: {} });
  });

  it('lists added blocks in full, removed ones by address, and changed attributes by path', () => {
    const other = {
      output: { a_url: { value: 'http://10.0.0.1:1' } },
      provider: { kafka: [{ bootstrap_servers: ['b:9092'], tls_enabled: true }] },
      variable: { secret: { sensitive: true } },
      resource: {
        docker_container: {
          ksqldb: { env: ['A=1', 'C=3'], memory: 2048, ports: [{ internal: 8088, ip: '10.0.0.1' }] },
          'kafka-2': { memory: 768 },
        },
      },
    };
    expect(stackDiff(BASE, other)).toEqual({
      added: { 'resource.docker_container.kafka-2': { memory: 768 }, 'variable.secret': { sensitive: true } },
      removed: ['resource.docker_container.kibana'],
      changed: {
        'output.a_url': { value: { from: 'http://127.0.0.1:1', to: 'http://10.0.0.1:1' } },
        'provider.kafka': {
          '0.bootstrap_servers': { added: ['b:9092'], removed: ['127.0.0.1:9092'] },
          '0.tls_enabled': { from: false, to: true },
        },
        'resource.docker_container.ksqldb': {
          env: { added: ['C=3'], removed: ['B=2'] },
          memory: { from: 1024, to: 2048 },
          'ports.0.ip': { from: '127.0.0.1', to: '10.0.0.1' },
        },
      },
    });
  });

  it('shows a reordered list of plain values whole, since nothing came or went', () => {
    const other = structuredClone(BASE);
    other.resource.docker_container.ksqldb.env = ['B=2', 'A=1'];
    expect(stackDiff(BASE, other).changed).toEqual({ 'resource.docker_container.ksqldb': { env: { from: ['A=1', 'B=2'], to: ['B=2', 'A=1'] } } });
  });

  it('shows a list of blocks whose length changed whole', () => {
    const other = structuredClone(BASE);
    other.resource.docker_container.ksqldb.ports.push({ internal: 9000, ip: '127.0.0.1' });
    expect(Object.keys(stackDiff(BASE, other).changed['resource.docker_container.ksqldb'])).toEqual(['ports']);
  });
});
