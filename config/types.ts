import type { DatasetName } from '../pipelines/datasets';
import type { PipelineName } from '../pipelines/catalog';

/** Containers whose port, memory limit and image are configurable. */
export const SERVICE_NAMES = [
  'kafka',
  'schemaRegistry',
  'ksqldb',
  'connect',
  'elasticsearch',
  'kibana',
  'grafana',
  'mariadb',
  'pinot',
  'kafkaUi',
  'paymentsApi',
  'generator',
  'proxy',
] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

/** Host ports; `kafka` is the first broker's, further brokers take the next ones. */
export const PORT_NAMES = [
  'kafka',
  'schemaRegistry',
  'ksqldb',
  'connect',
  'elasticsearch',
  'kibana',
  'grafana',
  'mariadb',
  'pinotController',
  'pinotBroker',
  'kafkaUi',
  'paymentsApi',
] as const;
export type PortName = (typeof PORT_NAMES)[number];

/** Images pulled from a registry; Connect and the app image are built from this project's Dockerfiles on top of these. */
export const IMAGE_NAMES = [
  'kafka',
  'schemaRegistry',
  'ksqldb',
  'connectBase',
  'elasticsearch',
  'kibana',
  'grafana',
  'mariadb',
  'pinot',
  'kafkaUi',
  'nodeBase',
  'proxy',
] as const;
export type ImageName = (typeof IMAGE_NAMES)[number];

/**
 * Who may use what the lab publishes on the host. `open`: no login anywhere (HTTP, PLAINTEXT Kafka),
 * allowed only on a loopback bindAddress. `authenticated`: every HTTP port behind one TLS proxy with
 * a login, Kafka's host listener SASL_SSL (SCRAM-SHA-512), nothing else published.
 */
export const ACCESS_MODES = ['open', 'authenticated'] as const;
export type AccessMode = (typeof ACCESS_MODES)[number];

export const KAFKA_MODES = ['local', 'external'] as const;
export type KafkaMode = (typeof KAFKA_MODES)[number];

export const SECURITY_PROTOCOLS = ['SASL_SSL', 'SSL', 'SASL_PLAINTEXT', 'PLAINTEXT'] as const;
export type SecurityProtocol = (typeof SECURITY_PROTOCOLS)[number];

export const SASL_MECHANISMS = ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'] as const;
export type SaslMechanism = (typeof SASL_MECHANISMS)[number];

export const BROKER_COUNTS = [1, 3] as const;
export type BrokerCount = (typeof BROKER_COUNTS)[number];

/**
 * An existing cluster (Confluent Cloud, MSK, Aiven, Strimzi). Credentials are never part of the
 * configuration: they come from the sensitive Terraform variables kafka_sasl_username and
 * kafka_sasl_password (TF_VAR_kafka_sasl_username / TF_VAR_kafka_sasl_password), and with
 * `manageAcls` kafka_admin_username / kafka_admin_password for the principal that grants the ACLs.
 */
export interface ExternalKafkaConfig {
  readonly bootstrapServers: string;
  readonly securityProtocol: SecurityProtocol;
  readonly saslMechanism: SaslMechanism;
  /**
   * The CA that signed the brokers' certificates, for a cluster with a private CA: a PEM file path
   * or the PEM itself. Public-CA clusters (Confluent Cloud, MSK, Aiven) need none. Once validated
   * it holds the PEM (a path is read when the configuration is loaded).
   */
  readonly caCert?: string;
  /**
   * Whether the stack creates (and on destroy removes) the ACLs the services' principal needs,
   * logged in as the admin principal. Off: an administrator grants them (README, "External Kafka").
   */
  readonly manageAcls?: boolean;
  /**
   * Replication factor of the topics the stack and its services create. Default 3, which managed
   * clusters require; a smaller self-managed cluster needs at most its broker count.
   */
  readonly replicationFactor?: number;
}

export interface KafkaConfig {
  readonly mode: KafkaMode;
  /** Local brokers (KRaft, each broker also a controller). */
  readonly brokers: BrokerCount;
  readonly external?: ExternalKafkaConfig;
  /** Partitions of every pipeline topic. */
  readonly topicPartitions: number;
  /** Retention of stream topics, in hours (table topics are compacted). */
  readonly retentionHours: number;
  /**
   * Prepended to every topic, consumer group and internal topic the stack names, so that several
   * labs share one cluster; empty for none.
   */
  readonly topicPrefix: string;
}

export interface GrafanaConfig {
  /**
   * Anyone who reaches Grafana's port sees the dashboards read-only, without logging in (the
   * Viewer role); the admin still logs in with the generated password. Defaults to true when
   * bindAddress is a loopback address (127.0.0.0/8) and false otherwise; true with any other
   * bind address is refused.
   */
  readonly anonymousViewing: boolean;
}

export interface LabConfig {
  /** Prefix of every container, volume, network and image name. */
  readonly project: string;
  readonly pipelines: readonly PipelineName[];
  /** Address every published port binds to on the host. */
  readonly bindAddress: string;
  /**
   * `open` (the default on a loopback bindAddress) or `authenticated` (the default, and the only
   * mode allowed, on any other bindAddress). README, "Security".
   */
  readonly access: AccessMode;
  readonly kafka: KafkaConfig;
  readonly ports: Readonly<Record<PortName, number>>;
  readonly images: Readonly<Record<ImageName, string>>;
  /** Memory limit per container, MiB; `generator` is the one generators container's, which runs every dataset. */
  readonly memoryMb: Readonly<Record<ServiceName, number>>;
  /** Messages per second of each dataset in the generators container; 0 pauses the dataset. */
  readonly rates: Readonly<Record<DatasetName, number>>;
  /**
   * Whether `cdktf destroy` also removes the upstream images the deploy pulled. Off by default, so
   * a destroy and deploy cycle does not download several GB again; the images the stack builds
   * itself (Connect, the app image) are always removed.
   */
  readonly removePulledImages: boolean;
  readonly grafana: GrafanaConfig;
}

/** What a config file or the environment may override: any subset, nested. */
export type LabConfigOverrides = {
  -readonly [K in keyof LabConfig]?: LabConfig[K] extends readonly unknown[]
    ? LabConfig[K]
    : LabConfig[K] extends object
      ? Partial<LabConfig[K]>
      : LabConfig[K];
};
