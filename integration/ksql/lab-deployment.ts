/**
 * What the stack deploys to ksqlDB and Kafka for a configuration, read from the synthesized
 * Terraform JSON (as `cdktf deploy` would send it): the ksql RestObjects' specs in graph order,
 * the kafka_topic declarations, and the ksqlDB container's service id and registry setting.
 */
import { ConfigResourceTypes, Kafka, logLevel } from 'kafkajs';
import { resourcesOf, synthStack } from '../../__tests__/support/synth';
import type { LabConfig } from '../../config/types';
import { DATASET_SCHEMAS } from '../../pipelines/datasets';
import type { KsqlObjectSpec } from '../../ops/ksql/applier';
import { validatePipelineScripts } from '../../pipelines/scripts';
import { PIPELINES } from '../../pipelines/catalog';
import { declaredTopics, type DeclaredTopic } from '../../e2e/direct-start-plan';
import { createDeclaredTopicsWith } from '../../e2e/probes';

export interface LabDeployment {
  /** Every statement's spec in the graph's creation order. */
  readonly specs: readonly KsqlObjectSpec[];
  readonly topics: readonly DeclaredTopic[];
  /** The ksqlDB container's KSQL_* environment, by variable. */
  readonly ksqlEnv: Readonly<Record<string, string>>;
}

export function labDeployment(config: LabConfig): LabDeployment {
  const tf = synthStack(config);
  const byName = new Map(
    Object.entries(resourcesOf(tf, 'terraform_data'))
      .filter(([id]) => id.startsWith('ksql_'))
      .map(([, r]) => {
        const spec = JSON.parse((r.input as { spec: string }).spec) as KsqlObjectSpec;
        return [spec.name, spec] as const;
      }),
  );
  const graph = validatePipelineScripts(config.pipelines.map((n) => PIPELINES[n]), DATASET_SCHEMAS);
  const specs = graph.statements.map((s) => {
    const spec = byName.get(s.name);
    if (!spec) throw new Error(`the synthesized stack has no terraform_data for ${s.file}:${s.line} ${s.name}`);
    return spec;
  });
  const topics = declaredTopics(tf);
  const container = Object.values(resourcesOf(tf, 'docker_container')).find((c) => ((c.env ?? []) as string[]).some((e) => e.startsWith('KSQL_KSQL_SERVICE_ID=')));
  if (!container) throw new Error('the synthesized stack has no ksqlDB container (no KSQL_KSQL_SERVICE_ID in any container env)');
  const ksqlEnv = Object.fromEntries(
    ((container.env ?? []) as string[]).filter((e) => e.startsWith('KSQL_')).map((e) => [e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1)]),
  );
  return { specs, topics, ksqlEnv };
}

/** Creates the declared topics as the stack's kafka_topic resources would (the broker auto-creates nothing). */
export async function createDeclaredTopics(bootstrap: string, topics: readonly DeclaredTopic[]): Promise<void> {
  const admin = new Kafka({ clientId: 'ksql-integration', brokers: [bootstrap], logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    await createDeclaredTopicsWith(admin, topics);
  } finally {
    await admin.disconnect();
  }
}

export async function listTopics(bootstrap: string): Promise<string[]> {
  const admin = new Kafka({ clientId: 'ksql-integration', brokers: [bootstrap], logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    return await admin.listTopics();
  } finally {
    await admin.disconnect();
  }
}

export interface CreatedTopic {
  readonly name: string;
  readonly partitions: number;
  readonly replicationFactor: number;
  readonly cleanupPolicy: string | undefined;
  readonly retentionMs: string | undefined;
}

/** Partitions, replicas and the two settings the stack declares, of topics as the broker holds them, sorted by name. */
export async function describeTopics(bootstrap: string, names: readonly string[]): Promise<CreatedTopic[]> {
  const admin = new Kafka({ clientId: 'ksql-integration', brokers: [bootstrap], logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const unique = [...new Set(names)].sort();
    const metadata = await admin.fetchTopicMetadata({ topics: unique });
    const configs = await admin.describeConfigs({
      includeSynonyms: false,
      resources: unique.map((name) => ({ type: ConfigResourceTypes.TOPIC, name, configNames: ['cleanup.policy', 'retention.ms'] })),
    });
    return unique.map((name) => {
      const partitions = metadata.topics.find((t) => t.name === name)?.partitions ?? [];
      const entries = configs.resources.find((r) => r.resourceName === name)?.configEntries ?? [];
      const value = (key: string): string | undefined => entries.find((e) => e.configName === key)?.configValue;
      return { name, partitions: partitions.length, replicationFactor: partitions[0]?.replicas.length ?? 0, cleanupPolicy: value('cleanup.policy'), retentionMs: value('retention.ms') };
    });
  } finally {
    await admin.disconnect();
  }
}
