import { TerraformVariable } from 'cdktf';
import { Construct } from 'constructs';
import type { ExternalKafkaConfig, SaslMechanism } from '../config/types';
import type { KafkaConnection } from './kafka-connection';

const LOGIN_MODULE: Readonly<Record<SaslMechanism, string>> = {
  PLAIN: 'org.apache.kafka.common.security.plain.PlainLoginModule',
  'SCRAM-SHA-256': 'org.apache.kafka.common.security.scram.ScramLoginModule',
  'SCRAM-SHA-512': 'org.apache.kafka.common.security.scram.ScramLoginModule',
};

/**
 * An existing cluster reached over SASL/TLS. The credentials are sensitive Terraform variables
 * (TF_VAR_kafka_sasl_username, TF_VAR_kafka_sasl_password): they never enter the synthesized JSON.
 */
export class ExternalKafka extends Construct {
  readonly connection: KafkaConnection;

  constructor(scope: Construct, id: string, config: ExternalKafkaConfig) {
    super(scope, id);
    const username = new TerraformVariable(scope, 'kafka_sasl_username', {
      type: 'string',
      sensitive: true,
      description: 'SASL username of the external Kafka cluster (kafka.mode = external)',
    });
    const password = new TerraformVariable(scope, 'kafka_sasl_password', {
      type: 'string',
      sensitive: true,
      description: 'SASL password of the external Kafka cluster (kafka.mode = external)',
    });
    const usesSasl = config.securityProtocol.startsWith('SASL_');
    this.connection = {
      bootstrapServers: config.bootstrapServers,
      clientProperties: {
        'security.protocol': config.securityProtocol,
        ...(usesSasl
          ? {
              'sasl.mechanism': config.saslMechanism,
              'sasl.jaas.config': `${LOGIN_MODULE[config.saslMechanism]} required username="${username.stringValue}" password="${password.stringValue}";`,
            }
          : {}),
      },
      brokers: [],
      // Managed clusters require (and enforce) replication 3.
      replicationFactor: 3,
      saslCredentials: usesSasl ? { username: username.stringValue, password: password.stringValue } : undefined,
    };
  }
}
