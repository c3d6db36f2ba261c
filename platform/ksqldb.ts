import { Image } from '@cdktf/provider-docker/lib/image';
import { Construct } from 'constructs';
import { heapOpts } from './jvm';
import type { KafkaConnect } from './connect';
import { propertiesAsEnv, topicOn, type KafkaConnection } from './kafka-connection';
import type { SchemaRegistry } from './schema-registry';
import { curlCheck, Service, type HttpEndpoints, type ServiceContext } from './service';

export const KSQLDB_PORT = 8088;

export interface KsqlDbProps {
  readonly context: ServiceContext;
  readonly image: Image;
  readonly kafka: KafkaConnection;
  readonly schemaRegistry: SchemaRegistry;
  /** ksqlDB lists and manages Connect's connectors (SHOW CONNECTORS) through its REST API. */
  readonly connect: KafkaConnect;
  readonly memoryMb: number;
  readonly hostPort: number;
}

/**
 * The image's Kafka appender for the processing log (cp-ksqldb-server's KSQL_LOG4J_PROCESSING_LOG_*):
 * without it ksqlDB creates the processing-log topic and stream but writes every processing error to
 * stdout only, and KSQL_PROCESSING_LOG stays empty. The image's variables carry only the broker list
 * and the topic, so the appender can log in to a PLAINTEXT cluster only; for a secured cluster
 * Confluent's documentation asks for a custom log4j file, which the lab does not ship: there
 * processing errors stay in the container's log (README, "External Kafka").
 */
export function processingLogAppenderEnv(kafka: KafkaConnection, topic: string): Record<string, string> {
  const protocol = kafka.clientProperties['security.protocol'] ?? 'PLAINTEXT';
  if (protocol !== 'PLAINTEXT') return {};
  return { KSQL_LOG4J_PROCESSING_LOG_BROKERLIST: kafka.bootstrapServers, KSQL_LOG4J_PROCESSING_LOG_TOPIC: topic };
}

/**
 * Where ksqlDB's Kafka clients read their settings: Kafka Streams and the admin client under
 * `ksql.streams.`, the command topic's consumer and producer unprefixed or under their own
 * prefixes (KsqlRestConfig's getCommandConsumerProperties/getCommandProducerProperties).
 */
const SSL_PREFIXES = ['ksql.streams.', 'ksql.server.command.consumer.', 'ksql.server.command.producer.'] as const;

/**
 * The Kafka client settings as ksqlDB takes them. Its REST server reads the same file and validates
 * the unprefixed `ssl.*` keys as its own listener's: the real ksqlDB 7.9.9 refused to start with
 * "Invalid value PEM for configuration ssl.truststore.type: String must be one of: JKS, PKCS12,
 * BCFKS" (the external SASL_SSL rehearsal). So `ssl.*` goes to each of ksqlDB's clients under that
 * client's prefix: under `ksql.streams.` alone, the command topic's consumer had no truststore and
 * ksqlDB never became healthy on a SASL_SSL cluster.
 */
export function ksqlClientProperties(clientProperties: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(clientProperties).flatMap(([key, value]) =>
      key.startsWith('ssl.') ? SSL_PREFIXES.map((prefix): [string, string] => [`${prefix}${key}`, value]) : [[key, value]],
    ),
  );
}

/** The ksqlDB server that runs the pipelines' persistent queries. */
export class KsqlDb extends Construct implements HttpEndpoints {
  readonly service: Service;
  /** ksqlDB's REST API on the lab network, e.g. http://ksqldb:8088. */
  readonly internalUrl: string;
  /** ksqlDB's REST API at its published port, e.g. http://127.0.0.1:8088. */
  readonly hostUrl: string;

  /**
   * The topic ksqlDB's processing log (record-level errors: undeserializable values, failed casts)
   * is written to and the KSQL_PROCESSING_LOG stream reads: `<service id>ksql_processing_log`.
   */
  readonly processingLogTopic: string;

  constructor(scope: Construct, id: string, props: KsqlDbProps) {
    super(scope, id);
    const rf = String(props.kafka.replicationFactor);
    const serviceId = topicOn(props.kafka, `${props.context.project}_`);
    this.processingLogTopic = `${serviceId}ksql_processing_log`;
    this.service = new Service(this, 'service', {
      context: props.context,
      hostname: 'ksqldb',
      image: props.image,
      memoryMb: props.memoryMb,
      env: {
        KSQL_LISTENERS: `http://0.0.0.0:${KSQLDB_PORT}`,
        KSQL_BOOTSTRAP_SERVERS: props.kafka.bootstrapServers,
        ...propertiesAsEnv('KSQL_', ksqlClientProperties(props.kafka.clientProperties)),
        // The service id starts ksqlDB's internal topics and groups (`_confluent-ksql-<id>...`) and its
        // processing log topic (`<id>ksql_processing_log`): with the prefix they stay inside the lab's ACLs.
        KSQL_KSQL_SERVICE_ID: serviceId,
        KSQL_KSQL_SCHEMA_REGISTRY_URL: props.schemaRegistry.internalUrl,
        KSQL_KSQL_CONNECT_URL: props.connect.internalUrl,
        KSQL_KSQL_INTERNAL_TOPIC_REPLICAS: rf,
        KSQL_KSQL_STREAMS_REPLICATION_FACTOR: rf,
        KSQL_KSQL_LOGGING_PROCESSING_TOPIC_REPLICATION_FACTOR: rf,
        KSQL_KSQL_LOGGING_PROCESSING_STREAM_AUTO_CREATE: 'true',
        KSQL_KSQL_LOGGING_PROCESSING_TOPIC_AUTO_CREATE: 'true',
        KSQL_KSQL_LOGGING_PROCESSING_TOPIC_NAME: this.processingLogTopic,
        ...processingLogAppenderEnv(props.kafka, this.processingLogTopic),
        // Pipelines start from the first generated event, not from the moment the query was created.
        KSQL_KSQL_STREAMS_AUTO_OFFSET_RESET: 'earliest',
        // About 30 persistent queries share one container. Each query is a Kafka Streams app with
        // ksqlDB's default of 4 stream threads and a 10 MB record cache on the heap: 120 threads and
        // up to 300 MB of a 704 MiB heap. At the lab's rates (a few events per second per topic) one
        // thread per query keeps up, and a 2 MB cache per query still batches updates within the
        // commit interval: about 30 threads and at most 60 MB of heap for caches. Each thread's
        // RocksDB instances are off-heap, so fewer threads also means fewer RocksDB instances in the
        // remaining 45% of the limit.
        KSQL_KSQL_STREAMS_NUM_STREAM_THREADS: '1',
        KSQL_KSQL_STREAMS_CACHE_MAX_BYTES_BUFFERING: '2000000',
        KSQL_HEAP_OPTS: heapOpts(props.memoryMb, 'ksqldb'),
      },
      ports: [{ container: KSQLDB_PORT, host: props.hostPort, protocol: 'http' }],
      dependsOn: [...props.kafka.brokers, props.schemaRegistry.service, props.connect.service],
      healthCheck: {
        test: curlCheck(`http://localhost:${KSQLDB_PORT}/healthcheck`, '"isHealthy":true'),
        startPeriodSeconds: 60,
      },
      waitTimeoutSeconds: 300,
      // Each persistent query commits its offsets and closes its state stores.
      stopGraceSeconds: 30,
    });
    this.internalUrl = this.service.url(KSQLDB_PORT);
    this.hostUrl = this.service.hostUrl(KSQLDB_PORT);
  }
}
