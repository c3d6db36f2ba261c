import { Image } from '@cdktf/provider-docker/lib/image';
import { Construct } from 'constructs';
import { heapOpts } from './jvm';
import { propertiesAsEnv, topicOn, type KafkaConnection } from './kafka-connection';
import { curlCheck, Service, type HttpEndpoints, type ServiceContext } from './service';

export const SCHEMA_REGISTRY_PORT = 8081;
/** How long a schema registration may wait for the _schemas topic (kafkastore.timeout.ms). */
export const KAFKASTORE_TIMEOUT_MS = 5_000;

export interface SchemaRegistryProps {
  readonly context: ServiceContext;
  readonly image: Image;
  readonly kafka: KafkaConnection;
  readonly memoryMb: number;
  readonly hostPort: number;
}

/** Schema Registry, storing its schemas in a Kafka topic. */
export class SchemaRegistry extends Construct implements HttpEndpoints {
  readonly service: Service;
  /** The registry's REST API on the lab network, e.g. http://schema-registry:8081. */
  readonly internalUrl: string;
  /** The registry's REST API at its published port, e.g. http://127.0.0.1:8081. */
  readonly hostUrl: string;

  constructor(scope: Construct, id: string, props: SchemaRegistryProps) {
    super(scope, id);
    this.service = new Service(this, 'service', {
      context: props.context,
      hostname: 'schema-registry',
      image: props.image,
      memoryMb: props.memoryMb,
      env: {
        SCHEMA_REGISTRY_HOST_NAME: 'schema-registry',
        SCHEMA_REGISTRY_LISTENERS: `http://0.0.0.0:${SCHEMA_REGISTRY_PORT}`,
        SCHEMA_REGISTRY_KAFKASTORE_BOOTSTRAP_SERVERS: props.kafka.bootstrapServers,
        SCHEMA_REGISTRY_KAFKASTORE_TOPIC_REPLICATION_FACTOR: String(props.kafka.replicationFactor),
        // A registration waits until the registry has read its own write back from the _schemas topic;
        // the server's default of 500 ms answers 500 "Register operation timed out" on a busy laptop.
        SCHEMA_REGISTRY_KAFKASTORE_TIMEOUT_MS: String(KAFKASTORE_TIMEOUT_MS),
        // Its storage topic and leader-election group go under the prefix on a shared cluster; without
        // one they keep the image's defaults, which are these same names.
        ...(props.kafka.topicPrefix
          ? { SCHEMA_REGISTRY_KAFKASTORE_TOPIC: topicOn(props.kafka, '_schemas'), SCHEMA_REGISTRY_SCHEMA_REGISTRY_GROUP_ID: topicOn(props.kafka, 'schema-registry') }
          : {}),
        ...propertiesAsEnv('SCHEMA_REGISTRY_KAFKASTORE_', props.kafka.clientProperties),
        SCHEMA_REGISTRY_HEAP_OPTS: heapOpts(props.memoryMb, 'schemaRegistry'),
      },
      ports: [{ container: SCHEMA_REGISTRY_PORT, host: props.hostPort, protocol: 'http' }],
      dependsOn: props.kafka.brokers,
      after: props.kafka.accessGranted,
      healthCheck: { test: curlCheck(`http://localhost:${SCHEMA_REGISTRY_PORT}/subjects`), startPeriodSeconds: 30 },
    });
    this.internalUrl = this.service.url(SCHEMA_REGISTRY_PORT);
    this.hostUrl = this.service.hostUrl(SCHEMA_REGISTRY_PORT);
  }
}
