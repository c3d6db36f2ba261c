/**
 * A pipeline's REALTIME Pinot table (with its schema) as a REST object of the stack; what it holds
 * is derived in payloads/pinot-tables.ts.
 */
import type { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import type { KsqlStatement } from '../ksql-language/parser';
import { pinotTable, type PinotKafka } from '../payloads/pinot-tables';
import type { PipelineDecl } from '../pipelines/types';
import { RestObject } from './rest-object';

export interface PinotTableProps {
  readonly pipeline: PipelineDecl;
  /** The Pinot controller as the machine running `cdktf deploy` reaches it (the published port). */
  readonly controllerUrl: string;
  /** The pipeline script's statements. */
  readonly statements: readonly KsqlStatement[];
  /** Kafka as Pinot's server reaches it. */
  readonly kafka: PinotKafka;
  /**
   * What must exist first: Pinot healthy, the topic the table consumes.
   * @default nothing
   */
  readonly dependsOn?: ITerraformDependable[];
}

export class PinotTable extends Construct {
  readonly object: RestObject;
  readonly tableName: string;

  constructor(scope: Construct, id: string, props: PinotTableProps) {
    super(scope, id);
    const spec = pinotTable(props.pipeline, props.statements, props.kafka);
    this.tableName = spec.tableConfig.tableName;
    this.object = new RestObject(this, 'table', {
      tool: 'pinot',
      endpoint: props.controllerUrl,
      spec: { ...spec },
      name: this.tableName,
      dependsOn: props.dependsOn,
    });
  }
}
