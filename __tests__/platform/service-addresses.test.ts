/**
 * Each service construct gives its own addresses: the URL on the lab network that other containers
 * use, and the URL at its published port that the deploying machine uses.
 */
import { Image } from '@cdktf/provider-docker/lib/image';
import { Network } from '@cdktf/provider-docker/lib/network';
import { Testing } from 'cdktf';
import type { Construct } from 'constructs';
import { KsqlDb } from '../../platform/ksqldb';
import { KafkaConnect } from '../../platform/connect';
import { reachableHost, Service, type ServiceContext } from '../../platform/service';
import { SchemaRegistry } from '../../platform/schema-registry';
import type { KafkaConnection } from '../../platform/kafka-connection';

function contextIn(scope: Construct, bindAddress: string): ServiceContext {
  return { project: 'lab', network: new Network(scope, 'net', { name: 'lab-net' }), bindAddress };
}

function serviceIn(scope: Construct, bindAddress: string): Service {
  return new Service(scope, 'svc', {
    context: contextIn(scope, bindAddress),
    hostname: 'thing',
    image: new Image(scope, 'img', { name: 'thing:1' }),
    memoryMb: 64,
    healthCheck: { test: ['CMD', 'true'], startPeriodSeconds: 1 },
    ports: [{ container: 8088, host: 18088, protocol: 'http' }],
  });
}

describe('a service reached from the deploying machine', () => {
  it('is reached at the bind address, or at 127.0.0.1 when ports are published on every interface', () => {
    expect(reachableHost('127.0.0.1')).toBe('127.0.0.1');
    expect(reachableHost('192.168.56.10')).toBe('192.168.56.10');
    expect(reachableHost('0.0.0.0')).toBe('127.0.0.1');
  });

  it('has its host URL at the published port and its internal URL at the container port', () => {
    Testing.synthScope((scope) => {
      const service = serviceIn(scope, '0.0.0.0');
      expect(service.hostUrl(8088)).toBe('http://127.0.0.1:18088');
      expect(service.url(8088)).toBe('http://thing:8088');
    });
  });

  it('refuses the host address of a port it does not publish', () => {
    Testing.synthScope((scope) => {
      const service = serviceIn(scope, '127.0.0.1');
      expect(() => service.hostAddress(9000)).toThrow('thing does not publish container port 9000 (it publishes: 8088)');
    });
  });
});

describe('service constructs', () => {
  it('expose both URLs, and callers pass the construct', () => {
    Testing.synthScope((scope) => {
      const context = contextIn(scope, '192.168.56.10');
      const image = new Image(scope, 'img', { name: 'x:1' });
      const kafka: KafkaConnection = { bootstrapServers: 'kafka-1:19092', clientProperties: {}, brokers: [], replicationFactor: 1, topicPrefix: '' };
      const schemaRegistry = new SchemaRegistry(scope, 'sr', { context, image, kafka, memoryMb: 256, hostPort: 18081 });
      const connect = new KafkaConnect(scope, 'connect', { context, baseImage: 'connect:1', kafka, memoryMb: 512, hostPort: 18083 });
      const ksqldb = new KsqlDb(scope, 'ksqldb', { context, image, kafka, schemaRegistry, connect, memoryMb: 1024, hostPort: 18088 });
      expect([schemaRegistry.internalUrl, schemaRegistry.hostUrl]).toEqual(['http://schema-registry:8081', 'http://192.168.56.10:18081']);
      expect([connect.internalUrl, connect.hostUrl]).toEqual(['http://connect:8083', 'http://192.168.56.10:18083']);
      expect([ksqldb.internalUrl, ksqldb.hostUrl]).toEqual(['http://ksqldb:8088', 'http://192.168.56.10:18088']);
    });
  });
});
