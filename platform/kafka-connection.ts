import type { Service } from './service';

/** How every service reaches Kafka: the local brokers, or an external cluster over SASL/TLS. */
export interface KafkaConnection {
  /** Bootstrap servers as seen from inside the lab network. */
  readonly bootstrapServers: string;
  /** Kafka client properties beyond bootstrap (security.protocol, sasl.mechanism, sasl.jaas.config). */
  readonly clientProperties: Readonly<Record<string, string>>;
  /** Broker containers to wait for; empty for an external cluster. */
  readonly brokers: readonly Service[];
  /** Replication factor for internal topics of ksqlDB, Connect and Schema Registry. */
  readonly replicationFactor: number;
  /** SASL credentials as Terraform expressions of sensitive variables (external clusters only). */
  readonly saslCredentials?: { readonly username: string; readonly password: string };
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
