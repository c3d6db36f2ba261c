import { statementWithTopicPrefix } from '../ops/ksql/topic-prefix';
import type { ITerraformDependable, TerraformResource } from 'cdktf';
import { Construct } from 'constructs';
import { DATASET_SCHEMAS } from '../pipelines/datasets';
import { specFromStatement, type KsqlObjectSpec } from '../ops/ksql/applier';
import { datasetsOf, loadPipelineScript, validatePipelineScripts } from '../ops/ksql/scripts';
import type { KsqlStatement } from '../ops/ksql/parser';
import { statementTopic, validateScripts, type ScriptGraph } from '../ops/ksql/validator';
import type { PipelineDecl } from '../pipelines/types';
import { RestObject } from './rest-object';

export interface KsqlObjectsProps {
  readonly pipeline: PipelineDecl;
  /** ksqlDB's REST URL as seen from the machine running `cdktf deploy`. */
  readonly ksqlUrl: string;
  /** What every statement waits for: the healthy ksqlDB service (and whatever else must come first). */
  readonly dependsOn: ITerraformDependable[];
  /**
   * The stack's topic resources by topic name. When given, each statement also depends on the topic
   * it reads or writes, and a topic missing from the map fails synth.
   * @default none: statements depend on no topic resource
   */
  readonly topics?: ReadonlyMap<string, ITerraformDependable>;
  /**
   * kafka.topicPrefix: the statements sent to ksqlDB name the prefixed topics.
   * @default '' (none)
   */
  readonly topicPrefix?: string;
  /**
   * Objects of other pipelines that this pipeline's statements read.
   * @default none: a statement that reads another pipeline's object fails synth
   */
  readonly upstream?: readonly KsqlObjects[];
  /**
   * The validated script graph of every enabled pipeline, parsed once per synth by the stack.
   * @default this pipeline's and its upstream pipelines' scripts, parsed and validated here
   */
  readonly graph?: ScriptGraph;
}

/**
 * A pipeline's ksqlDB statements (ksql/<pipeline>.sql) as RestObjects of tool 'ksql', one per
 * statement. The script is parsed and validated at synth; each object depends on, and is
 * replaced with, the objects it reads, so Terraform creates sources first, destroys dependents
 * first, and replaces the dependents of a changed statement.
 */
export class KsqlObjects extends Construct {
  readonly pipeline: PipelineDecl;
  readonly graph: ScriptGraph;
  private readonly byName = new Map<string, RestObject>();

  constructor(scope: Construct, id: string, props: KsqlObjectsProps) {
    super(scope, id);
    this.pipeline = props.pipeline;
    const upstream = props.upstream ?? [];
    const pipelines = [props.pipeline, ...upstream.map((u) => u.pipeline)];
    this.graph =
      props.graph ??
      validateScripts({
        scripts: pipelines.map((p) => loadPipelineScript(p)),
        datasets: datasetsOf(pipelines, DATASET_SCHEMAS),
      });
    const own = this.graph.statements.filter((s) => s.file === props.pipeline.ksqlFile);
    for (const s of own) {
      const sources = (this.graph.dependencies.get(s.name) ?? []).map((name) => this.resolve(name, upstream));
      const topic = statementTopic(s) ?? (s.target ? statementTopic(this.graph.byName.get(s.target)!) : undefined);
      const topicResource = topic && props.topics ? props.topics.get(topic) : undefined;
      if (topic && props.topics && !topicResource) {
        throw new Error(
          `${s.file}:${s.line}: ${s.kind} ${s.name} uses topic '${topic}', which the stack declares no Kafka topic resource for — ` +
            'create the topics of planPipelineTopics() (stacks/pipeline-topics.ts) and pass them as `topics`',
        );
      }
      const deployed = (d: KsqlStatement): KsqlObjectSpec => ({ ...specFromStatement(d), statement: statementWithTopicPrefix(d, props.topicPrefix ?? '') });
      const spec = deployed(s);
      const object = new RestObject(this, s.name, {
        tool: 'ksql',
        endpoint: props.ksqlUrl,
        // The applier replaces the dependents with the object when ksqlDB cannot replace it in place.
        spec: { ...spec, dependents: dependentsOf(s.name, this.graph).map(deployed) },
        // Where the statement sits in its file is for messages only: moving it must not re-create it.
        // A dependent's change replaces the dependent (and, through replaceWith, what reads it), not this object.
        replaceOn: { ...spec, file: undefined, line: undefined },
        dependsOn: [...props.dependsOn, ...(topicResource ? [topicResource] : []), ...sources.map((o) => o.resource)],
        replaceWith: sources.map((o): TerraformResource => o.resource),
      });
      this.byName.set(s.name, object);
    }
  }

  private resolve(name: string, upstream: readonly KsqlObjects[]): RestObject {
    const found = this.byName.get(name) ?? upstream.map((u) => u.byName.get(name)).find((o) => o !== undefined);
    if (!found) {
      throw new Error(`${this.pipeline.ksqlFile}: ${name} is defined in another pipeline's script — pass that pipeline's KsqlObjects as upstream`);
    }
    return found;
  }

  /** The RestObjects by ksqlDB object name (upper case, as in the script). */
  get objects(): ReadonlyMap<string, RestObject> {
    return this.byName;
  }

  /** The RestObject of one stream, table or INSERT query; sinks depend on it. */
  object(name: string): RestObject {
    const o = this.byName.get(name);
    if (!o) {
      throw new Error(`${this.pipeline.ksqlFile} defines no ${name} (it defines ${[...this.byName.keys()].join(', ')}) — correct the name in the pipeline declaration`);
    }
    return o;
  }
}

/**
 * The statements that read `name`, directly or through others, in the graph's creation order
 * (every statement after those it depends on).
 */
export function dependentsOf(name: string, graph: ScriptGraph): KsqlStatement[] {
  const affected = new Set([name]);
  const out: KsqlStatement[] = [];
  for (const s of graph.statements) {
    if ((graph.dependencies.get(s.name) ?? []).some((d) => affected.has(d))) {
      affected.add(s.name);
      out.push(s);
    }
  }
  return out;
}

/**
 * Validates the scripts of every enabled pipeline together, before anything is built: call it
 * once from the stack with the enabled pipelines. Throws KsqlScriptError listing every problem.
 */
export function validateEnabledPipelineScripts(pipelines: readonly PipelineDecl[]): ScriptGraph {
  return validatePipelineScripts(pipelines, DATASET_SCHEMAS);
}

/**
 * The pipelines in an order where each follows the pipelines whose objects its statements read,
 * so their KsqlObjects can be passed as upstream. Ties keep the given order.
 */
export function pipelinesInReferenceOrder(pipelines: readonly PipelineDecl[], graph: ScriptGraph): PipelineDecl[] {
  const fileOf = new Map(graph.statements.map((s) => [s.name, s.file]));
  const needs = new Map(
    pipelines.map((p) => {
      const reads = graph.statements
        .filter((s) => s.file === p.ksqlFile)
        .flatMap((s) => graph.dependencies.get(s.name) ?? [])
        .map((dep) => fileOf.get(dep))
        .filter((file): file is string => file !== undefined && file !== p.ksqlFile);
      return [p.name, new Set(reads)] as const;
    }),
  );
  const ordered: PipelineDecl[] = [];
  const remaining = [...pipelines];
  while (remaining.length > 0) {
    const next = remaining.findIndex((p) => [...needs.get(p.name)!].every((file) => ordered.some((o) => o.ksqlFile === file)));
    // The validator has refused cycles, so a pipeline whose sources are all placed always exists.
    const [p] = remaining.splice(next < 0 ? 0 : next, 1);
    ordered.push(p);
  }
  return ordered;
}
