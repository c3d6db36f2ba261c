import { Image } from '@cdktf/provider-docker/lib/image';
import { Construct } from 'constructs';
import { heapOpts } from './jvm';
import { propertiesAsEnv, type KafkaConnection } from './kafka-connection';
import { Service, wgetCheck, type ServiceContext } from './service';

export const KAFKA_UI_PORT = 8080;

export interface KafkaUiProps {
  readonly context: ServiceContext;
  readonly image: Image;
  readonly kafka: KafkaConnection;
  readonly schemaRegistryUrl: string;
  readonly ksqlDbUrl: string;
  readonly connectUrl: string;
  /** Services the UI talks to, so it starts once they answer. */
  readonly dependsOn: readonly Service[];
  readonly memoryMb: number;
  readonly hostPort: number;
}

/** kafbat/kafka-ui wired to the broker, Schema Registry, ksqlDB and Connect. */
export class KafkaUi extends Construct {
  readonly service: Service;

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
        [`${cluster}SCHEMAREGISTRY`]: props.schemaRegistryUrl,
        [`${cluster}KSQLDBSERVER`]: props.ksqlDbUrl,
        [`${cluster}KAFKACONNECT_0_NAME`]: 'connect',
        [`${cluster}KAFKACONNECT_0_ADDRESS`]: props.connectUrl,
        DYNAMIC_CONFIG_ENABLED: 'false',
        JAVA_OPTS: heapOpts(props.memoryMb),
      },
      ports: [{ container: KAFKA_UI_PORT, host: props.hostPort }],
      dependsOn: [...props.kafka.brokers, ...props.dependsOn],
      healthCheck: { test: wgetCheck(`http://localhost:${KAFKA_UI_PORT}/actuator/health`), startPeriodSeconds: 60 },
    });
  }
}
