import { createHash } from 'node:crypto';
import { DEFAULT_CONFIG } from '../../config/defaults';
import type { LabConfig, LabConfigOverrides } from '../../config/types';
import { validateConfig } from '../../config/validate';
import { DASHBOARDS_DIR } from '../../dashboards/provisioning';
import { synthStackJson, type Json } from '../../stacks/app';

export type { Json };

/** The default configuration with overrides, validated as the real loader would. */
export function configWith(overrides: LabConfigOverrides = {}): LabConfig {
  const merged = {
    ...DEFAULT_CONFIG,
    ...overrides,
    kafka: { ...DEFAULT_CONFIG.kafka, ...overrides.kafka },
    ports: { ...DEFAULT_CONFIG.ports, ...overrides.ports },
    images: { ...DEFAULT_CONFIG.images, ...overrides.images },
    memoryMb: { ...DEFAULT_CONFIG.memoryMb, ...overrides.memoryMb },
    rates: { ...DEFAULT_CONFIG.rates, ...overrides.rates },
  };
  return validateConfig(merged);
}

/** Synthesizes the whole stack for a configuration and returns the parsed Terraform JSON. */
export const synthStack = synthStackJson;

export function resourcesOf(tf: Json, type: string): Record<string, Json> {
  const resources = (tf.resource ?? {}) as Record<string, Record<string, Json>>;
  return resources[type] ?? {};
}

/**
 * The tags of the images built from this project's sources hash their build inputs, which change
 * with every source edit; the snapshot shows where they are and __tests__/platform/local-image.test.ts
 * checks that they follow the content.
 */
export function stableForSnapshot(tf: Json): Json {
  const stable = JSON.parse(
    JSON.stringify(tf).replace(/:src-[0-9a-f]{16}/g, ':src-<hash of build inputs>'),
  ) as Json;
  // Dashboards are reviewed as parsed JSON in __tests__/dashboards/__snapshots__; here a hash shows that a container's copy changed.
  for (const container of Object.values(resourcesOf(stable, 'docker_container'))) {
    for (const upload of (container.upload ?? []) as Array<{ file: string; content?: string }>) {
      if (upload.file.startsWith(`${DASHBOARDS_DIR}/`) && upload.content !== undefined) {
        upload.content = `<sha256 ${createHash('sha256').update(upload.content).digest('hex').slice(0, 16)}: the dashboard, in __tests__/dashboards/__snapshots__/dashboards.test.ts.snap>`;
      }
    }
  }
  return stable;
}

/**
 * The named snapshot configurations; property tests run over all of them. `default` is snapshotted
 * whole, the others as their difference from it (support/tf-diff.ts).
 */
export const SNAPSHOT_CONFIGS: Readonly<Record<string, LabConfigOverrides>> = {
  default: {},
  'single pipeline (ratings)': { pipelines: ['ratings'] },
  'three brokers': { kafka: { brokers: 3 } },
  // Published on a LAN address: ports bind there and the brokers advertise it to clients outside Docker.
  'LAN address': { pipelines: ['ratings'], bindAddress: '192.168.56.10' },
  external: {
    kafka: { mode: 'external', external: { bootstrapServers: 'pkc-12345.eu-west-1.aws.confluent.cloud:9092', securityProtocol: 'SASL_SSL', saslMechanism: 'PLAIN' } },
  },
  // A self-managed cluster shared by several labs: every name under a prefix, and the stack grants its services' ACLs.
  'external, shared (prefix and ACLs)': {
    pipelines: ['ratings', 'moodle'],
    kafka: {
      mode: 'external',
      topicPrefix: 'team1.lab.',
      external: { bootstrapServers: 'kafka-1.example.internal:9096', securityProtocol: 'SASL_SSL', saslMechanism: 'SCRAM-SHA-512', manageAcls: true },
    },
  },
};
