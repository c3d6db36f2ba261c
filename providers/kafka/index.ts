/**
 * Hand-written CDKTF binding for the Mongey/kafka Terraform provider: no prebuilt package exists,
 * and `cdktf get` needs the Terraform registry, which this project cannot reach.
 */
export { KafkaProvider } from './provider';
export type { KafkaProviderConfig, KafkaSaslMechanism } from './provider';
export { KafkaTopic } from './topic';
export type { KafkaTopicConfig } from './topic';
export { KafkaAcl } from './acl';
export type {
  KafkaAclConfig,
  KafkaAclOperation,
  KafkaAclPatternType,
  KafkaAclPermissionType,
  KafkaAclResourceType,
} from './acl';
export { KAFKA_PROVIDER_SOURCE, KAFKA_PROVIDER_VERSION } from './version';
