import type { ITerraformDependable } from 'cdktf';
import { deployedTopicName } from '../lib/topic-prefix';
import type { Service } from './service';

/** A SASL login as Terraform expressions of sensitive variables. */
export interface SaslCredentials {
  readonly username: string;
  readonly password: string;
}

/** How every service reaches Kafka: the local brokers, or an external cluster over SASL/TLS. */
export interface KafkaConnection {
  /** Bootstrap servers as seen from inside the lab network. */
  readonly bootstrapServers: string;
  /**
   * Kafka client properties beyond bootstrap (security.protocol, sasl.mechanism, sasl.jaas.config,
   * and for a private CA ssl.truststore.type / ssl.truststore.certificates).
   */
  readonly clientProperties: Readonly<Record<string, string>>;
  /** Broker containers to wait for; empty for an external cluster. */
  readonly brokers: readonly Service[];
  /** Replication factor for internal topics of ksqlDB, Connect and Schema Registry. */
  readonly replicationFactor: number;
  /** SASL credentials as Terraform expressions of sensitive variables (external clusters only). */
  readonly saslCredentials?: SaslCredentials;
  /** PEM of the private CA the clients trust (external clusters only, when configured). */
  readonly caCertPem?: string;
  /** kafka.topicPrefix: the start of every topic and group name the stack gives the cluster. */
  readonly topicPrefix: string;
  /**
   * What a client must wait for before it logs in: the ACLs the stack grants its principal
   * (external cluster with kafka.external.manageAcls).
   * @default nothing
   */
  readonly accessGranted?: readonly ITerraformDependable[];
}

/** The name `declared` has on the cluster this connection reaches (kafka.topicPrefix applied). */
export function topicOn(kafka: Pick<KafkaConnection, 'topicPrefix'>, declared: string): string {
  return deployedTopicName(kafka.topicPrefix, declared);
}

/**
 * Client properties as environment variables in the Confluent images' convention:
 * `sasl.jaas.config` with prefix `KSQL_` becomes `KSQL_SASL_JAAS_CONFIG`.
 */
export function propertiesAsEnv(prefix: string, properties: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(properties).map(([key, value]) => [`${prefix}${key.toUpperCase().replace(/\./g, '_')}`, value]),
  );
}
