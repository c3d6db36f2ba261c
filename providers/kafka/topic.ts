import { Construct } from 'constructs';
import * as cdktf from 'cdktf';
import { AttributeTable, synthesizeHcl, synthesizeJson } from './attributes';
import { KAFKA_GENERATOR_METADATA } from './version';

/** A `kafka_topic` as the provider's schema declares it. */
export interface KafkaTopicConfig extends cdktf.TerraformMetaArguments {
  /** `name`: the topic name. Changing it replaces the topic (ForceNew in the provider). */
  readonly name: string;
  /** `partitions`: at least 1. The provider can add partitions in place but never remove them. */
  readonly partitions: number;
  /** `replication_factor`: at least 1, and no more than the number of brokers. */
  readonly replicationFactor: number;
  /**
   * `config`: topic-level settings with Kafka's own keys, e.g. `cleanup.policy`,
   * `retention.ms`. Values are strings, as Kafka's config API takes them; changes apply in place.
   */
  readonly config?: Readonly<Record<string, string>>;
}

/** A Kafka topic managed by the Mongey/kafka provider (`resource "kafka_topic"`). */
export class KafkaTopic extends cdktf.TerraformResource {
  public static readonly tfResourceType = 'kafka_topic';

  private readonly settings: KafkaTopicConfig;

  public constructor(scope: Construct, id: string, config: KafkaTopicConfig) {
    super(scope, id, {
      terraformResourceType: KafkaTopic.tfResourceType,
      terraformGeneratorMetadata: { ...KAFKA_GENERATOR_METADATA },
      provider: config.provider,
      dependsOn: config.dependsOn,
      count: config.count,
      lifecycle: config.lifecycle,
      provisioners: config.provisioners,
      connection: config.connection,
      forEach: config.forEach,
    });
    this.settings = config;
  }

  /** Terraform id of the topic (the provider uses the topic name). */
  public get id(): string {
    return this.getStringAttribute('id');
  }

  /** Topic name, as a reference other resources can depend on. */
  public get name(): string {
    return this.getStringAttribute('name');
  }

  public get partitions(): number {
    return this.getNumberAttribute('partitions');
  }

  public get replicationFactor(): number {
    return this.getNumberAttribute('replication_factor');
  }

  /** The declared topic name (a plain string, usable where a token is not wanted). */
  public get nameInput(): string {
    return this.settings.name;
  }

  private attributeTable(): AttributeTable {
    const c = this.settings;
    return {
      name: { kind: 'string', value: c.name },
      partitions: { kind: 'number', value: c.partitions },
      replication_factor: { kind: 'number', value: c.replicationFactor },
      config: { kind: 'stringMap', value: c.config },
    };
  }

  protected synthesizeAttributes(): Record<string, unknown> {
    return synthesizeJson(this.attributeTable());
  }

  protected synthesizeHclAttributes(): Record<string, unknown> {
    return synthesizeHcl(this.attributeTable());
  }
}
