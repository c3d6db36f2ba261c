import type { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import type { LabConfig } from '../config/types';
import { DebeziumSource, ElasticsearchSinks } from '../constructs/connectors';
import { KafkaTopics } from '../constructs/kafka-topics';
import { KsqlObjects, pipelinesInReferenceOrder } from '../constructs/ksql-objects';
import type { ScriptGraph } from '../ops/ksql/validator';
import type { PipelineDecl } from '../pipelines/types';
import type { KafkaConnection } from '../platform/kafka-connection';
import { CDC_USER, MARIADB_PORT, MOODLE_DATABASE } from '../platform/mariadb';
import type { Service } from '../platform/service';
import { planPipelineTopics } from './pipeline-topics';

/** The platform a pipeline's objects are applied to, with the URLs the deploying machine uses. */
export interface PipelinePlatform {
  readonly config: LabConfig;
  readonly kafka: KafkaConnection;
  readonly ksqldb: Service;
  readonly connect: Service;
  readonly elasticsearch: Service;
  readonly elasticsearchInternalUrl: string;
  readonly mariadb?: Service;
  readonly paymentsApi?: Service;
  /** The enabled pipelines' scripts, parsed and validated once per synth. */
  readonly graph: ScriptGraph;
  /** The topics of planPipelineTopics(), created by the stack before the generators start. */
  readonly topics: KafkaTopics;
  /** http://<host>:<port> for a published port. */
  readonly hostUrl: (port: number) => string;
}

/** The enabled pipelines' topics, once the brokers are healthy. */
export function createPipelineTopics(scope: Construct, pipelines: readonly PipelineDecl[], graph: ScriptGraph, config: LabConfig, kafka: KafkaConnection): KafkaTopics {
  return new KafkaTopics(scope, 'topics', {
    topics: planPipelineTopics(pipelines, graph, config.kafka, kafka.replicationFactor),
    dependsOn: kafka.brokers.map((b) => b.container),
  });
}

/**
 * Topics, ksqlDB objects, the CDC source and the Elasticsearch sinks of the enabled pipelines,
 * in dependency order: topics once the brokers are healthy, statements once ksqlDB is, sinks after
 * the objects they read.
 */
export class PipelineResources extends Construct {
  constructor(scope: Construct, id: string, pipelines: readonly PipelineDecl[], platform: PipelinePlatform) {
    super(scope, id);
    const { config, kafka, topics } = platform;

    const ports = config.ports;
    const connectUrl = platform.hostUrl(ports.connect);
    const created: KsqlObjects[] = [];
    for (const pipeline of pipelinesInReferenceOrder(pipelines, platform.graph)) {
      const before: ITerraformDependable[] = [platform.ksqldb.container];
      if (pipeline.datasets.includes('moodle_logs') && platform.mariadb) {
        const cdc = new DebeziumSource(this, `${pipeline.name}-cdc`, {
          connectUrl,
          database: { host: platform.mariadb.hostname, port: MARIADB_PORT, user: CDC_USER, passwordEnvVar: 'MOODLE_CDC_PASSWORD', name: MOODLE_DATABASE },
          kafka: { bootstrapServers: kafka.bootstrapServers, clientPropertyNames: Object.keys(kafka.clientProperties) },
          dependsOn: [platform.connect.container, platform.mariadb.container, ...topics.forDataset('moodle_logs')],
        });
        before.push(cdc.connector.resource);
      }
      // The API registers the Avro and Protobuf schemas at start; ksqlDB must find them, not register its own.
      if (pipeline.paymentsApi && platform.paymentsApi) before.push(platform.paymentsApi.container);

      const ksql = new KsqlObjects(this, `${pipeline.name}-ksql`, {
        pipeline,
        ksqlUrl: platform.hostUrl(ports.ksqldb),
        dependsOn: before,
        topics: topics.byName,
        graph: platform.graph,
        upstream: [...created],
      });
      created.push(ksql);
      new ElasticsearchSinks(this, `${pipeline.name}-sinks`, {
        pipeline,
        connectUrl,
        elasticsearchUrl: platform.elasticsearchInternalUrl,
        elasticsearchHostUrl: platform.hostUrl(ports.elasticsearch),
        statements: platform.graph.statements.filter((s) => s.file === pipeline.ksqlFile),
        dependsOn: [
          platform.connect.container,
          platform.elasticsearch.container,
          ...pipeline.sinks.map((s) => ksql.object(s.object).resource),
        ],
      });
    }
  }
}
