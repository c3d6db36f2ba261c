import type { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import { DATASET_SCHEMAS, type DatasetName } from '../pipelines/datasets';
import { datasetTopicNames } from '../generators/schema';
import { deployedTopicName } from '../lib/topic-prefix';
import { KafkaTopic } from '../providers/kafka';
import type { TopicSettings } from '../ksql-language/sink-topic';

/** A topic to create: its declared name (without kafka.topicPrefix) and its settings. */
export interface TopicDecl extends TopicSettings {
  readonly name: string;
}

export interface KafkaTopicsProps {
  /** Each topic with its settings (planned by stacks/pipeline-topics.ts). */
  readonly topics: readonly TopicDecl[];
  /** The brokers: topics are created once they are healthy. */
  readonly dependsOn: ITerraformDependable[];
  /** kafka.topicPrefix: each topic is created as prefix + its declared name. */
  readonly topicPrefix: string;
}

/**
 * One kafka_topic per declared topic, each named for the topic so plans read as topic lists. The
 * resources keep the declared name as their Terraform name; the topic on the cluster has the prefix.
 */
export class KafkaTopics extends Construct {
  /** By declared name (as the ksqlDB scripts and dataset schemas say it). */
  readonly byName = new Map<string, KafkaTopic>();

  constructor(scope: Construct, id: string, props: KafkaTopicsProps) {
    super(scope, id);
    for (const topic of props.topics) {
      if (this.byName.has(topic.name)) continue;
      const resource = new KafkaTopic(this, topic.name, {
        name: deployedTopicName(props.topicPrefix, topic.name),
        partitions: topic.partitions,
        replicationFactor: topic.replicationFactor,
        config: { ...topic.config },
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
