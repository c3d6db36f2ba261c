/**
 * Connectors and index templates as REST objects of the stack: an Elasticsearch index template and
 * sink connectors per pipeline, and a Debezium source per dataset written to the database. Each is a RestObject,
 * so a changed config shows in `cdktf diff`, replaces the object on deploy, and is removed on destroy.
 */
import type { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import { DATASET_SCHEMAS } from '../pipelines/datasets';
import type { DatasetSchema } from '../generators/schema';
import type { KsqlStatement } from '../ops/ksql/parser';
import { loadPipelineScript } from '../ops/ksql/scripts';
import type { ConnectorSpec } from '../ops/connect/rest';
import { debeziumSourceConnector, type CdcDatabase, type CdcKafka } from '../pipelines/debezium-source';
import { elasticsearchSinkConnector, resolveSinkTargets, type SinkTarget } from '../pipelines/elasticsearch-sinks';
import { pipelineIndexTemplate } from '../pipelines/index-templates';
import type { PipelineDecl } from '../pipelines/types';
import type { HttpEndpoints } from '../platform/service';
import { RestObject } from './rest-object';

/**
 * Terraform reads `${...}` and `%{...}` in strings as templates; connector configs use `${env:VAR}`
 * for Connect's config provider, which must reach Connect as written.
 */
export function terraformLiteral(value: string): string {
  return value.replace(/\$\{/g, () => '$${').replace(/%\{/g, () => '%%{');
}

/** The RestObject spec of a connector, with its config values kept literal for Terraform. */
function connectorObjectSpec(spec: ConnectorSpec): { name: string; config: Record<string, string> } {
  return { name: spec.name, config: Object.fromEntries(Object.entries(spec.config).map(([k, v]) => [k, terraformLiteral(v)])) };
}

/**
 * The epoch-millisecond fields of the pipeline's datasets, as the ksqlDB columns that carry them
 * (unquoted identifiers are upper case), so the index template maps them as dates.
 */
export function datasetTimeColumns(pipeline: PipelineDecl): string[] {
  const names = pipeline.datasets.flatMap((d) => DATASET_SCHEMAS[d].fields.filter((f) => f.type === 'timestamp_ms').map((f) => f.name.toUpperCase()));
  return [...new Set(names)].sort();
}

export interface ElasticsearchSinksProps {
  readonly pipeline: PipelineDecl;
  /** Connect REST URL as the machine running `cdktf deploy` reaches it (the published port). */
  readonly connectUrl: string;
  /**
   * Elasticsearch (the platform construct): the sinks write to its internal URL, the index
   * template is applied at its host URL.
   */
  readonly elasticsearch: HttpEndpoints;
  /**
   * Schema Registry as the Connect worker reaches it; needed when a sink object has AVRO/PROTOBUF values.
   * @default none: a sink of a registry format fails synth
   */
  readonly schemaRegistryUrl?: string;
  /**
   * kafka.topicPrefix: the sinks read the prefixed topics into indexes named as without it.
   * @default '' (none)
   */
  readonly topicPrefix?: string;
  /**
   * The pipeline script's statements.
   * @default the statements of pipeline.ksqlFile, read and parsed here
   */
  readonly statements?: readonly KsqlStatement[];
  /**
   * What must exist first: Connect and Elasticsearch healthy, the ksqlDB objects created.
   * @default nothing
   */
  readonly dependsOn?: ITerraformDependable[];
}

/** The index template of a pipeline and one Elasticsearch sink connector per declared sink. */
export class ElasticsearchSinks extends Construct {
  readonly targets: readonly SinkTarget[];
  readonly template?: RestObject;
  readonly sinks = new Map<string, RestObject>();

  constructor(scope: Construct, id: string, props: ElasticsearchSinksProps) {
    super(scope, id);
    const { pipeline } = props;
    this.targets = pipeline.sinks.length ? resolveSinkTargets(pipeline, props.statements ?? loadPipelineScript(pipeline).statements) : [];
    if (this.targets.length === 0) return;

    const template = pipelineIndexTemplate(pipeline.name, this.targets, { timeColumns: datasetTimeColumns(pipeline) });
    this.template = new RestObject(this, 'index-template', {
      tool: 'elasticsearch',
      endpoint: props.elasticsearch.hostUrl,
      spec: { name: template.name, body: template.body },
      name: template.name,
      dependsOn: props.dependsOn,
    });
    for (const target of this.targets) {
      const spec = elasticsearchSinkConnector(target, {
        elasticsearchUrl: props.elasticsearch.internalUrl,
        schemaRegistryUrl: props.schemaRegistryUrl,
        topicPrefix: props.topicPrefix,
      });
      this.sinks.set(
        target.object,
        new RestObject(this, spec.name, {
          tool: 'connect',
          endpoint: props.connectUrl,
          spec: connectorObjectSpec(spec),
          // The template must exist before the sink creates the index.
          dependsOn: [...(props.dependsOn ?? []), this.template.resource],
        }),
      );
    }
  }
}

export interface DebeziumSourceProps {
  /** Connect REST URL as the machine running `cdktf deploy` reaches it. */
  readonly connectUrl: string;
  /** The database as the Connect worker reaches it; the password comes from the worker's env. */
  readonly database: CdcDatabase;
  /** Kafka for the schema history topic, as the worker reaches it. */
  readonly kafka: CdcKafka;
  /** The dataset captured: one whose sink is a database table. */
  readonly dataset: DatasetSchema;
  /**
   * What must exist first: Connect and the database healthy, the CDC topic created.
   * @default nothing
   */
  readonly dependsOn?: ITerraformDependable[];
}

/** The Debezium MariaDB source that turns the dataset's table rows into its CDC topic. */
export class DebeziumSource extends Construct {
  readonly connector: RestObject;
  readonly spec: ConnectorSpec;

  constructor(scope: Construct, id: string, props: DebeziumSourceProps) {
    super(scope, id);
    this.spec = debeziumSourceConnector({ dataset: props.dataset, database: props.database, kafka: props.kafka });
    this.connector = new RestObject(this, this.spec.name, {
      tool: 'connect',
      endpoint: props.connectUrl,
      spec: connectorObjectSpec(this.spec),
      dependsOn: props.dependsOn,
    });
  }
}
