import { DATASET_NAMES, type DatasetName } from '../generators/schema';
import { PIPELINE_NAMES } from '../pipelines/types';
import type { ImageName, LabConfig, PortName, ServiceName } from './types';

/** Pinned image tags, tested together. */
export const DEFAULT_IMAGES: Readonly<Record<ImageName, string>> = {
  kafka: 'apache/kafka:3.9.1',
  schemaRegistry: 'confluentinc/cp-schema-registry:7.9.1',
  ksqldb: 'confluentinc/cp-ksqldb-server:7.9.1',
  connectBase: 'confluentinc/cp-kafka-connect:7.9.1',
  elasticsearch: 'docker.elastic.co/elasticsearch/elasticsearch:8.15.5',
  kibana: 'docker.elastic.co/kibana/kibana:8.15.5',
  grafana: 'grafana/grafana:11.3.1',
  mariadb: 'mariadb:10.11.10',
  pinot: 'apachepinot/pinot:1.2.0',
  kafkaUi: 'ghcr.io/kafbat/kafka-ui:v1.1.0',
  nodeBase: 'node:20.19.5-bookworm-slim',
};

export const DEFAULT_PORTS: Readonly<Record<PortName, number>> = {
  kafka: 9092,
  schemaRegistry: 8081,
  ksqldb: 8088,
  connect: 8083,
  elasticsearch: 9200,
  kibana: 5601,
  grafana: 3000,
  mariadb: 3306,
  pinotController: 9000,
  pinotBroker: 8099,
  kafkaUi: 8080,
  paymentsApi: 8000,
};

/**
 * Memory limits in MiB. With every pipeline on and one broker they add up to at most 8 GiB
 * (README, "Memory"); JVM heaps are derived from them in platform/jvm.ts.
 */
export const DEFAULT_MEMORY_MB: Readonly<Record<ServiceName, number>> = {
  kafka: 768,
  schemaRegistry: 320,
  ksqldb: 1280,
  connect: 896,
  elasticsearch: 1024,
  kibana: 640,
  grafana: 192,
  mariadb: 256,
  pinot: 1024,
  kafkaUi: 320,
  paymentsApi: 192,
  // Measured (BENCHMARKS.md, "Generator memory"): at the stack's rates peak RSS 77-82 MiB, the
  // payments generator's startup 108 MiB (its first fetch() loads undici), steady 67-82 MiB.
  generator: 128,
};

const DEFAULT_RATE = 5;

export const DEFAULT_RATES: Readonly<Record<DatasetName, number>> = Object.fromEntries(
  DATASET_NAMES.map((name) => [name, DEFAULT_RATE]),
) as Record<DatasetName, number>;

export const DEFAULT_CONFIG: LabConfig = {
  project: 'lab',
  pipelines: PIPELINE_NAMES,
  bindAddress: '127.0.0.1',
  kafka: { mode: 'local', brokers: 1, topicPartitions: 1, retentionHours: 24 },
  ports: DEFAULT_PORTS,
  images: DEFAULT_IMAGES,
  memoryMb: DEFAULT_MEMORY_MB,
  rates: DEFAULT_RATES,
};
