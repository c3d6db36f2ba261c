import { Construct } from 'constructs';
import { heapOpts } from './jvm';
import { propertiesAsEnv, topicOn, type KafkaConnection } from './kafka-connection';
import { curlCheck, Service, type HttpEndpoints, type ServiceContext } from './service';
import { LocalImage } from './local-image';

export const CONNECT_PORT = 8083;

/**
 * Plugin versions baked into the Connect image; the integration tests run the same Debezium plugin.
 * The Elasticsearch sink: Confluent Hub serves only supported versions since 2025-07, and lists
 * 14.x and 15.x with third-party CVEs; 16.0.1 is the newest, for Elasticsearch 8.x and 9.x.
 */
export const CONNECT_PLUGINS = {
  elasticsearchSink: '16.0.1',
  debeziumMariaDb: '3.1.0.Final',
} as const;

const DOCKERFILE_DIR = 'docker/connect';

export interface ConnectProps {
  readonly context: ServiceContext;
  readonly baseImage: string;
  readonly kafka: KafkaConnection;
  readonly memoryMb: number;
  readonly hostPort: number;
  /**
   * Extra environment, e.g. secrets the connectors read through the env config provider.
   * @default none
   */
  readonly secretEnv?: Readonly<Record<string, string>>;
  /**
   * Services the connectors reach (Elasticsearch, the CDC database): Connect starts once they are healthy.
   * @default the brokers only
   */
  readonly dependsOn?: readonly Service[];
}

/** A Kafka Connect worker with the Elasticsearch sink and Debezium MariaDB plugins. */
export class KafkaConnect extends Construct implements HttpEndpoints {
  readonly service: Service;
  /** Connect's REST API on the lab network, e.g. http://connect:8083. */
  readonly internalUrl: string;
  /** Connect's REST API at its published port, e.g. http://127.0.0.1:8083. */
  readonly hostUrl: string;

  constructor(scope: Construct, id: string, props: ConnectProps) {
    super(scope, id);
    const project = props.context.project;
    const buildArgs = {
      BASE_IMAGE: props.baseImage,
      ES_CONNECTOR_VERSION: CONNECT_PLUGINS.elasticsearchSink,
      DEBEZIUM_VERSION: CONNECT_PLUGINS.debeziumMariaDb,
    };
    const image = new LocalImage(this, 'connect', {
      repository: `${project}/kafka-connect`,
      context: DOCKERFILE_DIR,
      buildArgs,
      inputs: [DOCKERFILE_DIR],
    }).image;
    const rf = String(props.kafka.replicationFactor);
    this.service = new Service(this, 'service', {
      context: props.context,
      hostname: 'connect',
      image,
      memoryMb: props.memoryMb,
      env: {
        CONNECT_BOOTSTRAP_SERVERS: props.kafka.bootstrapServers,
        ...propertiesAsEnv('CONNECT_', props.kafka.clientProperties),
        ...propertiesAsEnv('CONNECT_PRODUCER_', props.kafka.clientProperties),
        ...propertiesAsEnv('CONNECT_CONSUMER_', props.kafka.clientProperties),
        // Connectors' own admin clients (topic creation, dead letter queues) read the admin.* settings.
        ...propertiesAsEnv('CONNECT_ADMIN_', props.kafka.clientProperties),
        CONNECT_REST_ADVERTISED_HOST_NAME: 'connect',
        CONNECT_REST_PORT: String(CONNECT_PORT),
        CONNECT_GROUP_ID: topicOn(props.kafka, `${project}-connect`),
        CONNECT_CONFIG_STORAGE_TOPIC: topicOn(props.kafka, `_${project}-connect-configs`),
        CONNECT_OFFSET_STORAGE_TOPIC: topicOn(props.kafka, `_${project}-connect-offsets`),
        CONNECT_STATUS_STORAGE_TOPIC: topicOn(props.kafka, `_${project}-connect-status`),
        CONNECT_CONFIG_STORAGE_REPLICATION_FACTOR: rf,
        CONNECT_OFFSET_STORAGE_REPLICATION_FACTOR: rf,
        CONNECT_STATUS_STORAGE_REPLICATION_FACTOR: rf,
        CONNECT_KEY_CONVERTER: 'org.apache.kafka.connect.json.JsonConverter',
        CONNECT_VALUE_CONVERTER: 'org.apache.kafka.connect.json.JsonConverter',
        CONNECT_KEY_CONVERTER_SCHEMAS_ENABLE: 'false',
        CONNECT_VALUE_CONVERTER_SCHEMAS_ENABLE: 'false',
        CONNECT_PLUGIN_PATH: '/usr/share/java,/usr/share/confluent-hub-components',
        // Connector configs name secrets as ${env:VAR}; the values stay out of Terraform's JSON and Connect's topics.
        CONNECT_CONFIG_PROVIDERS: 'env',
        CONNECT_CONFIG_PROVIDERS_ENV_CLASS: 'org.apache.kafka.common.config.provider.EnvVarConfigProvider',
        KAFKA_HEAP_OPTS: heapOpts(props.memoryMb, 'connect'),
        ...props.secretEnv,
      },
      ports: [{ container: CONNECT_PORT, host: props.hostPort, protocol: 'http' }],
      dependsOn: [...props.kafka.brokers, ...(props.dependsOn ?? [])],
      after: props.kafka.accessGranted,
      healthCheck: { test: curlCheck(`http://localhost:${CONNECT_PORT}/connector-plugins`), startPeriodSeconds: 60 },
      waitTimeoutSeconds: 300,
      // Tasks commit their offsets (the CDC position among them) and leave the group.
      stopGraceSeconds: 30,
    });
    this.internalUrl = this.service.url(CONNECT_PORT);
    this.hostUrl = this.service.hostUrl(CONNECT_PORT);
  }
}
