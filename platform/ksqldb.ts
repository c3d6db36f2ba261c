import { Image } from '@cdktf/provider-docker/lib/image';
import { Construct } from 'constructs';
import { heapOpts } from './jvm';
import { propertiesAsEnv, type KafkaConnection } from './kafka-connection';
import { curlCheck, Service, type ServiceContext } from './service';

export const KSQLDB_PORT = 8088;

export interface KsqlDbProps {
  readonly context: ServiceContext;
  readonly image: Image;
  readonly kafka: KafkaConnection;
  readonly schemaRegistry: Service;
  readonly schemaRegistryUrl: string;
  /** ksqlDB lists and manages Connect's connectors (SHOW CONNECTORS) through this URL. */
  readonly connect: Service;
  readonly connectUrl: string;
  readonly memoryMb: number;
  readonly hostPort: number;
}

export class KsqlDb extends Construct {
  readonly service: Service;

  constructor(scope: Construct, id: string, props: KsqlDbProps) {
    super(scope, id);
    const rf = String(props.kafka.replicationFactor);
    this.service = new Service(this, 'service', {
      context: props.context,
      hostname: 'ksqldb',
      image: props.image,
      memoryMb: props.memoryMb,
      env: {
        KSQL_LISTENERS: `http://0.0.0.0:${KSQLDB_PORT}`,
        KSQL_BOOTSTRAP_SERVERS: props.kafka.bootstrapServers,
        ...propertiesAsEnv('KSQL_', props.kafka.clientProperties),
        KSQL_KSQL_SERVICE_ID: `${props.context.project}_`,
        KSQL_KSQL_SCHEMA_REGISTRY_URL: props.schemaRegistryUrl,
        KSQL_KSQL_CONNECT_URL: props.connectUrl,
        KSQL_KSQL_INTERNAL_TOPIC_REPLICAS: rf,
        KSQL_KSQL_STREAMS_REPLICATION_FACTOR: rf,
        KSQL_KSQL_LOGGING_PROCESSING_TOPIC_REPLICATION_FACTOR: rf,
        KSQL_KSQL_LOGGING_PROCESSING_STREAM_AUTO_CREATE: 'true',
        KSQL_KSQL_LOGGING_PROCESSING_TOPIC_AUTO_CREATE: 'true',
        // Pipelines start from the first generated event, not from the moment the query was created.
        KSQL_KSQL_STREAMS_AUTO_OFFSET_RESET: 'earliest',
        // Many small persistent queries share the container: keep RocksDB's caches bounded.
        KSQL_KSQL_STREAMS_CACHE_MAX_BYTES_BUFFERING: '10000000',
        KSQL_HEAP_OPTS: heapOpts(props.memoryMb, 0.55),
      },
      ports: [{ container: KSQLDB_PORT, host: props.hostPort }],
      dependsOn: [...props.kafka.brokers, props.schemaRegistry, props.connect],
      healthCheck: {
        test: curlCheck(`http://localhost:${KSQLDB_PORT}/healthcheck`, '"isHealthy":true'),
        startPeriodSeconds: 60,
      },
      waitTimeoutSeconds: 300,
    });
  }
}
