/**
 * The Mongey/kafka provider this binding was written against. The attribute names in this folder
 * were read from that release's schema (kafka/provider.go, resource_kafka_topic.go,
 * resource_kafka_acl.go); a version bump means re-reading those files. The version is pinned
 * exactly because scripts/setup-terraform.sh builds this one release into the offline mirror.
 */
export const KAFKA_PROVIDER_SOURCE = 'Mongey/kafka';
export const KAFKA_PROVIDER_VERSION = '0.13.1';

/** Metadata every element of this provider passes to cdktf (it writes `required_providers`). */
export const KAFKA_GENERATOR_METADATA = {
  providerName: 'kafka',
  providerVersion: KAFKA_PROVIDER_VERSION,
  providerVersionConstraint: KAFKA_PROVIDER_VERSION,
} as const;
