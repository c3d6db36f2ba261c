import type { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import type { KafkaConfig } from '../config/types';
import { DATASET_SCHEMAS } from '../generators/datasets/schemas';
import { datasetTopicNames, type DatasetName } from '../generators/schema';
import { KafkaTopic } from '../providers/kafka';

/** A topic the stack creates: a stream topic keeps events for the retention time, a table topic is compacted. */
export interface TopicDecl {
  readonly name: string;
  readonly kind: 'stream' | 'table';
}

export interface KafkaTopicsProps {
  readonly topics: readonly TopicDecl[];
  readonly kafka: KafkaConfig;
  readonly replicationFactor: number;
  /** The brokers: topics are created once they are healthy. */
  readonly dependsOn: ITerraformDependable[];
}

const HOUR_MS = 3_600_000;

/** Topic settings from the configuration: partitions, replication, retention, cleanup policy. */
export function topicSettings(kind: TopicDecl['kind'], kafka: KafkaConfig): Record<string, string> {
  return kind === 'table'
    ? { 'cleanup.policy': 'compact' }
    : { 'cleanup.policy': 'delete', 'retention.ms': String(kafka.retentionHours * HOUR_MS) };
}

/** One kafka_topic per declared topic, each named for the topic so plans read as topic lists. */
export class KafkaTopics extends Construct {
  readonly byName = new Map<string, KafkaTopic>();

  constructor(scope: Construct, id: string, props: KafkaTopicsProps) {
    super(scope, id);
    for (const topic of props.topics) {
      if (this.byName.has(topic.name)) continue;
      const resource = new KafkaTopic(this, topic.name, {
        name: topic.name,
        partitions: props.kafka.topicPartitions,
        replicationFactor: props.replicationFactor,
        config: topicSettings(topic.kind, props.kafka),
        dependsOn: props.dependsOn,
      });
      // Terraform names allow letters, digits, '_' and '-': a CDC topic's dots become '_'.
      resource.overrideLogicalId(topic.name.replace(/[^A-Za-z0-9_-]/g, '_'));
      this.byName.set(topic.name, resource);
    }
  }

  /** The topic resources a dataset's producer writes; it must not start before they exist. */
  forDataset(dataset: DatasetName): KafkaTopic[] {
    return datasetTopicNames(DATASET_SCHEMAS[dataset]).map((name) => {
      const topic = this.byName.get(name);
      if (!topic) throw new Error(`dataset ${dataset} writes topic '${name}', which no enabled pipeline declares — enable a pipeline that reads it`);
      return topic;
    });
  }
}
