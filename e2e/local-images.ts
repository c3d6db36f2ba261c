/**
 * The images scripts/local-images/ builds on a machine with no image registry, by the stack's
 * image setting they replace. `real` images run the real software (from Maven Central, Debian or
 * this machine); `stand-in` images answer the same ports, health checks and REST calls without the
 * real behaviour, and the rehearsal's summary says so.
 */
import type { ImageName } from '../config/types';

export interface LocalImage {
  readonly image: string;
  readonly kind: 'real' | 'stand-in';
  /** What runs in it, for the summary and the README. */
  readonly runs: string;
}

/**
 * A real search engine in Elasticsearch's place: OpenSearch 2.19.6 from Maven Central jars
 * (scripts/local-images/platform-images.sh opensearch; README-platform-images.md says what it answers
 * differently). The rehearsal sends it the dashboards' own queries (panel-checks.ts), which the
 * Elasticsearch stand-in could not answer. That stand-in (standins/elasticsearch.ts) stays as the
 * fake of the applier's unit tests, which run without Docker or Java (__tests__/connect/).
 */
export const OPENSEARCH_NODE: LocalImage = {
  image: 'lab-local/opensearch-node:2.19.6',
  kind: 'real',
  runs: 'real search engine: OpenSearch 2.19.6 standing in for Elasticsearch 8.19.26',
};

export const LOCAL_IMAGES: Readonly<Record<ImageName, LocalImage>> = {
  kafka: { image: 'lab-local/kafka:3.9.1', kind: 'real', runs: 'Apache Kafka 3.9.1 broker (Maven Central jars), apache/kafka image contract' },
  schemaRegistry: { image: 'lab-local/cp-schema-registry:7.9.9', kind: 'real', runs: 'Confluent Schema Registry 7.9.9 built from public source' },
  ksqldb: { image: 'lab-local/cp-ksqldb-server:7.9.9', kind: 'real', runs: 'ksqlDB 7.9.9 built from public source (the deploy pins 7.9.11 upstream)' },
  connectBase: { image: 'lab-local/cp-kafka-connect:7.9.11', kind: 'real', runs: 'Kafka Connect 3.9.1 worker; the Elasticsearch sink plugin is a stand-in (plain JSON _bulk)' },
  elasticsearch: OPENSEARCH_NODE,
  kibana: { image: 'lab-local/standin-kibana:8.19.26', kind: 'stand-in', runs: 'status API' },
  grafana: { image: 'lab-local/standin-grafana:13.2.3', kind: 'stand-in', runs: 'health API, provisioned dashboards and data sources' },
  mariadb: { image: 'lab-local/mariadb:10.11.19', kind: 'real', runs: "Debian's MariaDB 10.11, mariadb image contract" },
  pinot: { image: 'lab-local/standin-pinot:1.5.1', kind: 'stand-in', runs: 'health, schema and table APIs' },
  kafkaUi: { image: 'lab-local/standin-kafka-ui:v1.5.0', kind: 'stand-in', runs: 'health API' },
  // scripts/local-images/build.sh names it after the Node.js that runs this process (`node --version`).
  nodeBase: { image: `lab-local/node:${process.versions.node}-bookworm-slim`, kind: 'real', runs: "this machine's Node.js and npm on Debian 12" },
  proxy: { image: 'lab-local/nginx:1.22.1', kind: 'real', runs: "Debian 12's nginx 1.22.1 (the deploy pins nginx 1.30.4 upstream)" },
};
