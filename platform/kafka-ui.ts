import { Image } from '@cdktf/provider-docker/lib/image';
import { Construct } from 'constructs';
import { heapOpts } from './jvm';
import { propertiesAsEnv, type KafkaConnection } from './kafka-connection';
import type { KafkaConnect } from './connect';
import type { KsqlDb } from './ksqldb';
import type { SchemaRegistry } from './schema-registry';
import { Service, wgetCheck, type ServiceContext } from './service';

export const KAFKA_UI_PORT = 8080;

export interface KafkaUiProps {
  readonly context: ServiceContext;
  readonly image: Image;
  readonly kafka: KafkaConnection;
  readonly schemaRegistry: SchemaRegistry;
  readonly ksqldb: KsqlDb;
  readonly connect: KafkaConnect;
  readonly memoryMb: number;
  readonly hostPort: number;
}

/** kafbat/kafka-ui wired to the broker, Schema Registry, ksqlDB and Connect. */
export class KafkaUi extends Construct {
  readonly service: Service;
  /** The UI at its published port, e.g. http://127.0.0.1:8080. */
  readonly hostUrl: string;

  constructor(scope: Construct, id: string, props: KafkaUiProps) {
    super(scope, id);
    const cluster = 'KAFKA_CLUSTERS_0_';
    this.service = new Service(this, 'service', {
      context: props.context,
      hostname: 'kafka-ui',
      image: props.image,
      memoryMb: props.memoryMb,
      env: {
        [`${cluster}NAME`]: props.context.project,
        [`${cluster}BOOTSTRAPSERVERS`]: props.kafka.bootstrapServers,
        ...propertiesAsEnv(`${cluster}PROPERTIES_`, props.kafka.clientProperties),
        [`${cluster}SCHEMAREGISTRY`]: props.schemaRegistry.internalUrl,
        [`${cluster}KSQLDBSERVER`]: props.ksqldb.internalUrl,
        [`${cluster}KAFKACONNECT_0_NAME`]: 'connect',
        [`${cluster}KAFKACONNECT_0_ADDRESS`]: props.connect.internalUrl,
        DYNAMIC_CONFIG_ENABLED: 'false',
        JAVA_OPTS: heapOpts(props.memoryMb, 'kafkaUi'),
      },
      ports: [{ container: KAFKA_UI_PORT, host: props.hostPort, protocol: 'http' }],
      // The UI starts once every service it shows answers.
      dependsOn: [...props.kafka.brokers, props.schemaRegistry.service, props.ksqldb.service, props.connect.service],
      healthCheck: { test: wgetCheck(`http://localhost:${KAFKA_UI_PORT}/actuator/health`), startPeriodSeconds: 60 },
    });
    this.hostUrl = this.service.hostUrl(KAFKA_UI_PORT);
  }
}
