import { TerraformVariable } from 'cdktf';
import { Construct } from 'constructs';
import { caCertOneLine } from '../config/ca-cert';
import type { ExternalKafkaConfig, SaslMechanism } from '../config/types';
import { KafkaProvider, type KafkaSaslMechanism } from '../providers/kafka';
import type { KafkaConnection, SaslCredentials } from './kafka-connection';
import { ServiceAcls } from './service-acls';

/** The Mongey/kafka provider's names for the SASL mechanisms. */
const PROVIDER_SASL: Readonly<Record<SaslMechanism, KafkaSaslMechanism>> = {
  PLAIN: 'plain',
  'SCRAM-SHA-256': 'scram-sha256',
  'SCRAM-SHA-512': 'scram-sha512',
};

const LOGIN_MODULE: Readonly<Record<SaslMechanism, string>> = {
  PLAIN: 'org.apache.kafka.common.security.plain.PlainLoginModule',
  'SCRAM-SHA-256': 'org.apache.kafka.common.security.scram.ScramLoginModule',
  'SCRAM-SHA-512': 'org.apache.kafka.common.security.scram.ScramLoginModule',
};

/** A pair of sensitive string variables `<name>_username` and `<name>_password` (TF_VAR_<name>_username, ...). */
function credentialVariables(scope: Construct, name: string, whose: string): SaslCredentials {
  const variable = (part: 'username' | 'password'): string =>
    new TerraformVariable(scope, `${name}_${part}`, {
      type: 'string',
      sensitive: true,
      description: `SASL ${part} of ${whose} on the external Kafka cluster (kafka.mode = external)`,
    }).stringValue;
  return { username: variable('username'), password: variable('password') };
}

/**
 * The Kafka client properties of every Java client of the lab for `config`, logged in as
 * `credentials` (Terraform expressions in the stack; any strings in a test).
 */
export function externalClientProperties(config: ExternalKafkaConfig, credentials: SaslCredentials | undefined): Record<string, string> {
  return {
    'security.protocol': config.securityProtocol,
    ...(credentials
      ? {
          'sasl.mechanism': config.saslMechanism,
          'sasl.jaas.config': `${LOGIN_MODULE[config.saslMechanism]} required username="${credentials.username}" password="${credentials.password}";`,
        }
      : {}),
    // Java clients trust the private CA from the PEM itself: no truststore file to mount.
    ...(config.caCert ? { 'ssl.truststore.type': 'PEM', 'ssl.truststore.certificates': caCertOneLine(config.caCert) } : {}),
  };
}

/**
 * An existing cluster reached over SASL and/or TLS. The credentials are sensitive Terraform
 * variables (TF_VAR_kafka_sasl_username, TF_VAR_kafka_sasl_password): they never enter the
 * synthesized JSON, only the state and the containers' environment. With manageAcls, Terraform
 * itself logs in as a second principal (TF_VAR_kafka_admin_username / _password) that may grant
 * ACLs; the services never see that one.
 */
export class ExternalKafka extends Construct {
  readonly connection: KafkaConnection;
  /** The principal the Terraform provider logs in as: the admin with manageAcls, else the services' own. */
  readonly providerCredentials?: SaslCredentials;

  private readonly config: ExternalKafkaConfig;

  constructor(scope: Construct, id: string, config: ExternalKafkaConfig, topicPrefix: string) {
    super(scope, id);
    this.config = config;
    const usesSasl = config.securityProtocol.startsWith('SASL_');
    const credentials = usesSasl ? credentialVariables(scope, 'kafka_sasl', 'the lab services') : undefined;
    this.providerCredentials = usesSasl && config.manageAcls ? credentialVariables(scope, 'kafka_admin', 'the principal that grants the ACLs (Terraform only)') : credentials;
    this.connection = {
      bootstrapServers: config.bootstrapServers,
      clientProperties: externalClientProperties(config, credentials),
      brokers: [],
      // Managed clusters require (and enforce) replication 3.
      replicationFactor: config.replicationFactor ?? 3,
      saslCredentials: credentials,
      caCertPem: config.caCert,
      topicPrefix,
      // The services' logins fail their authorization until their ACLs exist.
      accessGranted: credentials && config.manageAcls ? new ServiceAcls(this, 'acls', { principal: `User:${credentials.username}`, topicPrefix }).acls : [],
    };
  }

  /** The Terraform provider for this cluster: TLS with the private CA if any, logged in as providerCredentials. */
  provider(scope: Construct, id: string): KafkaProvider {
    const credentials = this.providerCredentials;
    return new KafkaProvider(scope, id, {
      bootstrapServers: this.config.bootstrapServers.split(','),
      tlsEnabled: this.config.securityProtocol.endsWith('SSL'),
      ...(this.config.caCert ? { caCert: this.config.caCert } : {}),
      ...(credentials ? { saslMechanism: PROVIDER_SASL[this.config.saslMechanism], saslUsername: credentials.username, saslPassword: credentials.password } : {}),
    });
  }
}
