import { DATASET_NAMES, type DatasetName } from '../pipelines/datasets';
import { PIPELINE_NAMES } from '../pipelines/catalog';
import type { ImageName, LabConfig, PortName, ServiceName } from './types';

/**
 * Pinned image tags: the newest patch of a supported line of each, as of 2026-11 (how each was
 * checked: README, "Image versions"). A line held back says why next to it.
 */
export const DEFAULT_IMAGES: Readonly<Record<ImageName, string>> = {
  // Held on 3.9 (the last 3.x, archived upstream): Confluent Platform 7.9's ksqlDB, Schema Registry
  // and Connect are built on Kafka 3.9, and the integration tests run these same broker jars.
  kafka: 'apache/kafka:3.9.1',
  // 7.9 is Confluent's supported 7.x line (standard support until 2027-02); 7.9.11 is its newest patch.
  schemaRegistry: 'confluentinc/cp-schema-registry:7.9.11',
  ksqldb: 'confluentinc/cp-ksqldb-server:7.9.11',
  connectBase: 'confluentinc/cp-kafka-connect:7.9.11',
  // 8.19 is the last 8.x minor, supported until 2027-07; the Elasticsearch sink 16.x recommends 8.19.x or 9.x.
  // Kibana must be the same version as Elasticsearch.
  elasticsearch: 'docker.elastic.co/elasticsearch/elasticsearch:8.19.26',
  kibana: 'docker.elastic.co/kibana/kibana:8.19.26',
  // The newest Grafana release, and the version of the @grafana/schema package (exact pin in
  // package.json) that types the provisioned dashboards: move both together.
  grafana: 'grafana/grafana:13.2.3',
  // 10.11 is the line Debian 12 ships (the integration tests run Debian's 10.11.19), supported until 2028-02.
  mariadb: 'mariadb:10.11.19',
  pinot: 'apachepinot/pinot:1.5.1',
  kafkaUi: 'ghcr.io/kafbat/kafka-ui:v1.5.0',
  // Node 20 reached end of life on 2026-04-30. 22 is maintenance LTS until 2027-04-30 and the
  // smallest step from the Node 20 that the tests run here; move to 24 once CI runs it.
  nodeBase: 'node:22.23.3-bookworm-slim',
  // The authenticating TLS proxy of `access: authenticated`. 1.30 is nginx's stable line (since
  // 2026-04-14); 1.30.4 its newest patch (2026-07-15).
  proxy: 'nginx:1.30.4',
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
 * (README, "Memory"); JVM heaps are derived from them by lib/jvm-heap.ts, and config/memory-minimums.ts
 * holds the smallest limit of each.
 */
export const DEFAULT_MEMORY_MB: Readonly<Record<ServiceName, number>> = {
  // The broker's own heap is 320m; the room the health check's JVM needed is gone with it (README, "Memory").
  kafka: 640,
  schemaRegistry: 256,
  // One stream thread and a 2 MB cache per persistent query (platform/ksqldb.ts).
  ksqldb: 1152,
  connect: 896,
  elasticsearch: 1024,
  // Elastic runs Kibana 8 with about 1 GiB; below that it restarts in a loop while it optimizes its bundles.
  kibana: 1024,
  grafana: 192,
  mariadb: 256,
  pinot: 1024,
  kafkaUi: 256,
  paymentsApi: 192,
  // The one generators container (every dataset in one process). Measured (BENCHMARKS.md,
  // "Generator memory", 2026-12-07): peak RSS on the host 130 MiB with every dataset at the stack's
  // rates, 149 MiB with every dataset at 200/s.
  generator: 192,
  // nginx with one worker process: a few MiB; the limit leaves room for TLS session caches and buffers.
  proxy: 64,
};

const DEFAULT_RATE = 5;

export const DEFAULT_RATES: Readonly<Record<DatasetName, number>> = Object.fromEntries(
  DATASET_NAMES.map((name) => [name, DEFAULT_RATE]),
) as Record<DatasetName, number>;

export const DEFAULT_CONFIG: LabConfig = {
  project: 'lab',
  pipelines: PIPELINE_NAMES,
  bindAddress: '127.0.0.1',
  // validateConfig makes it `authenticated` when bindAddress is not a loopback address.
  access: 'open',
  kafka: { mode: 'local', brokers: 1, topicPartitions: 1, retentionHours: 24, topicPrefix: '' },
  ports: DEFAULT_PORTS,
  images: DEFAULT_IMAGES,
  memoryMb: DEFAULT_MEMORY_MB,
  rates: DEFAULT_RATES,
  removePulledImages: false,
  // Anonymous viewing only on a loopback bindAddress: validateConfig turns it off for any other.
  grafana: { anonymousViewing: true },
};
