/**
 * Loads pipelines' ksqlDB scripts (ksql/<pipeline>.sql, named by PipelineDecl.ksqlFile) and
 * validates them together with the datasets those pipelines produce, into the one script graph
 * the stack parses per synth and hands to every construct that needs statements.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DATASET_SCHEMAS } from '../pipelines/datasets';
import type { DatasetSchema } from '../generators/schema';
import type { DatasetName } from './datasets';
import { PROJECT_ROOT } from '../lib/project-root';
import type { PipelineDecl } from './types';
import { parseScript, type ParsedScript } from '../ksql-language/parser';
import { KsqlScriptError } from '../ksql-language/problem';
import { validateScripts, type ScriptGraph } from '../ksql-language/validator';

export type DatasetSchemas = Readonly<Record<DatasetName, DatasetSchema>>;

export function loadPipelineScript(pipeline: PipelineDecl, root: string = PROJECT_ROOT): ParsedScript {
  const path = join(root, pipeline.ksqlFile);
  if (!existsSync(path)) {
    throw new KsqlScriptError([
      {
        file: pipeline.ksqlFile,
        line: 1,
        problem: `pipeline ${pipeline.name} names ksqlFile ${pipeline.ksqlFile}, which does not exist`,
        fix: `create it, or correct ksqlFile in pipelines/catalog.ts`,
      },
    ]);
  }
  return parseScript(pipeline.ksqlFile, readFileSync(path, 'utf8'));
}

/** The datasets a set of pipelines produces: their streams may read these topics. */
export function datasetsOf(pipelines: readonly PipelineDecl[], schemas: DatasetSchemas): DatasetSchema[] {
  const names = new Set(pipelines.flatMap((p) => p.datasets));
  return [...names].map((n) => schemas[n]);
}

/**
 * Validates the scripts of all the given (enabled) pipelines together: names are unique across
 * them, references may cross pipelines, and topics must be produced by one of them.
 */
export function validatePipelineScripts(
  pipelines: readonly PipelineDecl[],
  schemas: DatasetSchemas,
  root: string = PROJECT_ROOT,
): ScriptGraph {
  return validateScripts({
    scripts: pipelines.map((p) => loadPipelineScript(p, root)),
    datasets: datasetsOf(pipelines, schemas),
  });
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
