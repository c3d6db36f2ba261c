import { Image } from '@cdktf/provider-docker/lib/image';
import type { TerraformResource } from 'cdktf';
import { Id } from '@cdktf/provider-random/lib/id';
import { Construct } from 'constructs';
import { heapOpts } from './jvm';
import { kafkaHealthCheck } from './kafka-healthcheck';
import { BROKER_TLS_DIR, SECURED_START_SCRIPT, securedHostListenerEnv, securedStartScript } from './kafka-host-listener';
import type { KafkaConnection } from './kafka-connection';
import { Service, type ServiceContext } from './service';

export interface KafkaBrokersProps {
  readonly context: ServiceContext;
  readonly image: Image;
  readonly brokers: number;
  readonly memoryMb: number;
  /** Host port of the first broker; broker i publishes firstHostPort + i - 1. */
  readonly firstHostPort: number;
  /**
   * The address clients outside Docker reach the published ports at (the bind address, or
   * 127.0.0.1 when binding every interface): the host listener advertises it, so a client is sent
   * back to an address it can reach, not to its own localhost.
   */
  readonly advertisedHost: string;
  readonly defaultPartitions: number;
  /** kafka.topicPrefix, which the connection hands to every client. */
  readonly topicPrefix: string;
  /**
   * With `authenticated` access: the host listener speaks SASL_SSL (SCRAM-SHA-512) with these
   * users and this certificate. Without it the host listener is PLAINTEXT (open access).
   * @default a PLAINTEXT host listener
   */
  readonly securedHostListener?: SecuredHostListener;
}

/** A SCRAM login of the host listener; the password is a Terraform expression. */
export interface ScramUser {
  readonly name: string;
  readonly password: string;
}

export interface SecuredHostListener {
  /** SCRAM-SHA-512 users, written into the cluster metadata when the log dir is formatted. */
  readonly users: readonly ScramUser[];
  /** The server certificate chain (PEM) as Terraform reaches it on the deploying machine. */
  readonly certificateChainFile: string;
  /** Its private key (unencrypted PKCS#8 PEM), likewise. */
  readonly keyFile: string;
  /** The resource that makes both: a new certificate replaces the brokers. */
  readonly material: TerraformResource;
}

/** Listener ports inside the network: clients on the lab network, the KRaft quorum, and the host. */
export const INTERNAL_PORT = 19092;
const CONTROLLER_PORT = 29093;
const HOST_LISTENER_PORT = 9092;

/** Replication settings that follow the broker count: RF 3 and min ISR 2 with three brokers. */
export function replicationFor(brokers: number): { replicationFactor: number; minInsyncReplicas: number } {
  const replicationFactor = Math.min(3, brokers);
  return { replicationFactor, minInsyncReplicas: replicationFactor >= 3 ? 2 : 1 };
}

/** Kafka in KRaft combined mode: every node is broker and controller. */
export class KafkaBrokers extends Construct {
  readonly connection: KafkaConnection;
  /** Bootstrap servers at the published ports, for clients outside Docker, e.g. 127.0.0.1:9092. */
  readonly hostBootstrapServers: string;

  constructor(scope: Construct, id: string, props: KafkaBrokersProps) {
    super(scope, id);
    // The KRaft cluster id must be a base64url UUID: 16 random bytes, generated once and kept in state.
    const clusterId = new Id(this, 'cluster-id', { byteLength: 16 });
    const nodes = Array.from({ length: props.brokers }, (_, i) => i + 1);
    const hostname = (n: number): string => `kafka-${n}`;
    const voters = nodes.map((n) => `${n}@${hostname(n)}:${CONTROLLER_PORT}`).join(',');
    const { replicationFactor, minInsyncReplicas } = replicationFor(props.brokers);

    const secured = props.securedHostListener;
    const brokers = nodes.map((n) => {
      const hostPort = props.firstHostPort + n - 1;
      return new Service(this, hostname(n), {
        context: props.context,
        hostname: hostname(n),
        image: props.image,
        memoryMb: props.memoryMb,
        env: {
          CLUSTER_ID: clusterId.b64Url,
          KAFKA_NODE_ID: String(n),
          KAFKA_PROCESS_ROLES: 'broker,controller',
          KAFKA_LISTENERS: `INTERNAL://:${INTERNAL_PORT},CONTROLLER://:${CONTROLLER_PORT},HOST://:${HOST_LISTENER_PORT}`,
          // The host listener advertises the published address and port, so clients outside Docker reach each broker directly.
          KAFKA_ADVERTISED_LISTENERS: `INTERNAL://${hostname(n)}:${INTERNAL_PORT},HOST://${props.advertisedHost}:${hostPort}`,
          // The lab network stays PLAINTEXT (nothing outside the host reaches it); the host listener is SASL_SSL when secured.
          KAFKA_LISTENER_SECURITY_PROTOCOL_MAP: `INTERNAL:PLAINTEXT,CONTROLLER:PLAINTEXT,HOST:${secured ? 'SASL_SSL' : 'PLAINTEXT'}`,
          KAFKA_CONTROLLER_LISTENER_NAMES: 'CONTROLLER',
          KAFKA_INTER_BROKER_LISTENER_NAME: 'INTERNAL',
          KAFKA_CONTROLLER_QUORUM_VOTERS: voters,
          KAFKA_LOG_DIRS: '/var/lib/kafka/data',
          KAFKA_NUM_PARTITIONS: String(props.defaultPartitions),
          KAFKA_DEFAULT_REPLICATION_FACTOR: String(replicationFactor),
          KAFKA_MIN_INSYNC_REPLICAS: String(minInsyncReplicas),
          KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: String(replicationFactor),
          KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR: String(replicationFactor),
          KAFKA_TRANSACTION_STATE_LOG_MIN_ISR: String(minInsyncReplicas),
          KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS: '0',
          // Topics are declared as Terraform resources; a typo in a producer must fail, not create a topic.
          KAFKA_AUTO_CREATE_TOPICS_ENABLE: 'false',
          KAFKA_HEAP_OPTS: heapOpts(props.memoryMb, 'kafka'),
          ...(secured ? securedHostListenerEnv(secured) : {}),
        },
        ports: [{ container: HOST_LISTENER_PORT, host: hostPort, protocol: secured ? 'secured' : 'unsecured' }],
        ...(secured
          ? {
              command: ['bash', SECURED_START_SCRIPT],
              files: [
                { path: SECURED_START_SCRIPT, content: securedStartScript({ internal: INTERNAL_PORT, controller: CONTROLLER_PORT }) },
                { path: `${BROKER_TLS_DIR}/server.pem`, sourceFile: secured.certificateChainFile },
                { path: `${BROKER_TLS_DIR}/server.key`, sourceFile: secured.keyFile },
              ],
              replaceWith: [secured.material],
              after: [secured.material],
            }
          : {}),
        volumes: [{ name: `${hostname(n)}-data`, containerPath: '/var/lib/kafka/data' }],
        // A controlled shutdown moves leadership away and closes the log cleanly (no recovery on the next start).
        stopGraceSeconds: 60,
        healthCheck: {
          // A Kafka ApiVersions request from bash, not a JVM tool: a JVM every 10 s cost more CPU than the idle broker.
          test: kafkaHealthCheck(INTERNAL_PORT),
          startPeriodSeconds: 30,
        },
      });
    });

    this.connection = {
      bootstrapServers: nodes.map((n) => `${hostname(n)}:${INTERNAL_PORT}`).join(','),
      clientProperties: {},
      brokers,
      replicationFactor,
      topicPrefix: props.topicPrefix,
    };
    this.hostBootstrapServers = brokers.map((b) => b.hostAddress(HOST_LISTENER_PORT)).join(',');
  }
}
