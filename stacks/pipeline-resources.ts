import type { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import type { LabConfig } from '../config/types';
import { DebeziumSource, ElasticsearchSinks } from '../constructs/connectors';
import { KafkaTopics } from '../constructs/kafka-topics';
import { KibanaObjects } from '../constructs/kibana-objects';
import { KsqlObjects } from '../constructs/ksql-objects';
import { pipelinesInReferenceOrder } from '../pipelines/scripts';
import { PinotTable } from '../constructs/pinot-table';
import { DATASET_SCHEMAS, type DatasetName } from '../pipelines/datasets';
import type { ScriptGraph } from '../ksql-language/validator';
import type { PipelineDecl } from '../pipelines/types';
import type { PaymentsApi } from '../platform/app';
import type { KafkaConnect } from '../platform/connect';
import type { Elasticsearch } from '../platform/elasticsearch';
import type { KafkaConnection } from '../platform/kafka-connection';
import type { Kibana } from '../platform/kibana';
import type { KsqlDb } from '../platform/ksqldb';
import type { MariaDb } from '../platform/mariadb';
import type { Pinot } from '../platform/pinot';
import { objectTopic } from '../payloads/elasticsearch-sinks';
import { planPipelineTopics } from './pipeline-topics';

/** The platform a pipeline's objects are applied to. */
export interface PipelinePlatform {
  readonly kafka: KafkaConnection;
  readonly ksqldb: KsqlDb;
  readonly connect: KafkaConnect;
  readonly elasticsearch: Elasticsearch;
  /**
   * The database that datasets with a database sink write to; each such dataset gets a Debezium source.
   * @default none: the enabled pipelines have no database dataset
   */
  readonly mariadb?: MariaDb;
  /**
   * The HTTP API of the pipelines that declare `apiProduces`; their statements wait for it.
   * @default none: no enabled pipeline produces through the API
   */
  readonly paymentsApi?: PaymentsApi;
  /**
   * Kibana, for the pipelines that declare `kibana` objects (they need it).
   * @default none: no enabled pipeline needs Kibana
   */
  readonly kibana?: Kibana;
  /**
   * Pinot, for the pipelines that declare a `pinot` table (they need it).
   * @default none: no enabled pipeline needs Pinot
   */
  readonly pinot?: Pinot;
  /** The enabled pipelines' scripts, parsed and validated once per synth. */
  readonly graph: ScriptGraph;
  /** The topics of planPipelineTopics(), created by the stack before the generators start. */
  readonly topics: KafkaTopics;
}

/** The enabled pipelines' topics, once the brokers are healthy. */
export function createPipelineTopics(scope: Construct, pipelines: readonly PipelineDecl[], graph: ScriptGraph, config: LabConfig, kafka: KafkaConnection): KafkaTopics {
  return new KafkaTopics(scope, 'topics', {
    topics: planPipelineTopics(pipelines, graph, config.kafka, kafka.replicationFactor),
    dependsOn: kafka.brokers.map((b) => b.container),
    topicPrefix: kafka.topicPrefix,
  });
}

/**
 * The CDC sources, ksqlDB objects, Elasticsearch sinks, Kibana objects and Pinot tables of the
 * enabled pipelines, in dependency order: a CDC source once Connect, the database and its topic
 * are ready, statements once ksqlDB and their pipeline's producers are, sinks after the objects
 * they read, Kibana objects once Kibana is healthy, a Pinot table once Pinot and its topic are.
 */
export class PipelineResources extends Construct {
  constructor(scope: Construct, id: string, pipelines: readonly PipelineDecl[], platform: PipelinePlatform) {
    super(scope, id);
    const { kafka, topics, mariadb, paymentsApi } = platform;

    // A dataset written to the database reaches Kafka through one Debezium source, which every pipeline reading it waits for.
    const cdcSources = new Map<DatasetName, DebeziumSource>();
    for (const dataset of new Set(pipelines.flatMap((p) => p.datasets))) {
      if (DATASET_SCHEMAS[dataset].sink.kind !== 'database') continue;
      // The stack runs the database whenever an enabled dataset writes to it; this guards against a wiring bug.
      if (!mariadb) throw new Error(`dataset ${dataset} is written to the database, but the stack passed no database`);
      cdcSources.set(
        dataset,
        new DebeziumSource(this, `${dataset}-cdc`, {
          connectUrl: platform.connect.hostUrl,
          dataset: DATASET_SCHEMAS[dataset],
          database: mariadb.cdcSource,
          kafka: { bootstrapServers: kafka.bootstrapServers, clientPropertyNames: Object.keys(kafka.clientProperties), topicPrefix: kafka.topicPrefix },
          dependsOn: [platform.connect.service.container, mariadb.service.container, ...topics.forDataset(dataset)],
        }),
      );
    }

    const created: KsqlObjects[] = [];
    for (const pipeline of pipelinesInReferenceOrder(pipelines, platform.graph)) {
      const before: ITerraformDependable[] = [platform.ksqldb.service.container];
      for (const dataset of pipeline.datasets) {
        const cdc = cdcSources.get(dataset);
        if (cdc) before.push(cdc.connector.resource);
      }
      // The API registers the Avro and Protobuf schemas at start; ksqlDB must find them, not register its own.
      if (pipeline.apiProduces && paymentsApi) before.push(paymentsApi.service.container);

      const ksql = new KsqlObjects(this, `${pipeline.name}-ksql`, {
        pipeline,
        ksqlUrl: platform.ksqldb.hostUrl,
        dependsOn: before,
        topics: topics.byName,
        topicPrefix: kafka.topicPrefix,
        graph: platform.graph,
        upstream: [...created],
      });
      created.push(ksql);
      const statements = platform.graph.statements.filter((s) => s.file === pipeline.ksqlFile);
      const sinks = new ElasticsearchSinks(this, `${pipeline.name}-sinks`, {
        pipeline,
        connectUrl: platform.connect.hostUrl,
        elasticsearch: platform.elasticsearch,
        topicPrefix: kafka.topicPrefix,
        statements,
        dependsOn: [
          platform.connect.service.container,
          platform.elasticsearch.service.container,
          ...pipeline.sinks.map((s) => ksql.object(s.object).resource),
        ],
      });
      if (pipeline.kibana) {
        const kibana = required(platform.kibana, pipeline.name, 'Kibana');
        new KibanaObjects(this, `${pipeline.name}-kibana`, {
          pipeline,
          kibanaUrl: kibana.hostUrl,
          targets: sinks.targets,
          statements,
          dependsOn: [kibana.service.container],
        });
      }
      if (pipeline.pinot) {
        const pinot = required(platform.pinot, pipeline.name, 'Pinot');
        const source = statements.find((s) => s.name === pipeline.pinot?.object);
        const topic = source && topics.byName.get(objectTopic(source));
        new PinotTable(this, `${pipeline.name}-pinot`, {
          pipeline,
          controllerUrl: pinot.controllerHostUrl,
          statements,
          kafka: { bootstrapServers: kafka.bootstrapServers, clientProperties: kafka.clientProperties, topicPrefix: kafka.topicPrefix },
          dependsOn: [pinot.service.container, ...(topic ? [topic] : [])],
        });
      }
    }
  }
}

/** A service the catalog says the pipeline needs; the stack runs it then, so absence is a wiring bug. */
function required<T>(service: T | undefined, pipeline: string, name: string): T {
  if (!service) throw new Error(`pipeline ${pipeline} declares ${name} objects, but the stack passed no ${name}: list '${name.toLowerCase()}' in its needs`);
  return service;
}
