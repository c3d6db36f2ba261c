/**
 * A pipeline's Kibana saved objects as REST objects of the stack (payloads/kibana-saved-objects.ts says
 * which): data views first, then the saved searches that use them, then the dashboard that holds
 * the searches, so that destroy removes them in the reverse order.
 */
import type { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import type { SavedObjectSpec } from '../ops/kibana/applier';
import type { KsqlStatement } from '../ksql-language/parser';
import type { SinkTarget } from '../payloads/elasticsearch-sinks';
import { kibanaObjects } from '../payloads/kibana-saved-objects';
import type { PipelineDecl } from '../pipelines/types';
import { datasetTimeColumns } from '../payloads/index-templates';
import { RestObject } from './rest-object';

export interface KibanaObjectsProps {
  readonly pipeline: PipelineDecl;
  /** Kibana as the machine running `cdktf deploy` reaches it (the published port). */
  readonly kibanaUrl: string;
  /** The pipeline's resolved Elasticsearch sinks: one data view per index. */
  readonly targets: readonly SinkTarget[];
  /** The pipeline script's statements, for the fields each index holds. */
  readonly statements: readonly KsqlStatement[];
  /**
   * What must exist first: Kibana healthy.
   * @default nothing
   */
  readonly dependsOn?: ITerraformDependable[];
}

export class KibanaObjects extends Construct {
  /** Every saved object by `<type>/<id>`. */
  readonly objects = new Map<string, RestObject>();

  constructor(scope: Construct, id: string, props: KibanaObjectsProps) {
    super(scope, id);
    const planned = kibanaObjects(props.pipeline, props.targets, props.statements, { timeColumns: datasetTimeColumns(props.pipeline) });
    const add = (spec: SavedObjectSpec, after: readonly RestObject[]): RestObject => {
      const object = new RestObject(this, `${spec.type}-${spec.id}`, {
        tool: 'kibana',
        endpoint: props.kibanaUrl,
        spec: { ...spec },
        name: `${spec.type}_${spec.id}`,
        dependsOn: [...(props.dependsOn ?? []), ...after.map((o) => o.resource)],
      });
      this.objects.set(`${spec.type}/${spec.id}`, object);
      return object;
    };
    const views = new Map(planned.dataViews.map((v) => [v.id, add(v, [])]));
    const searches = planned.searches.map((s) => add(s, s.references.map((r) => views.get(r.id)!)));
    add(planned.dashboard, searches);
  }
}
