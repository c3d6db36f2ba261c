/**
 * Loads pipelines' ksqlDB scripts (ksql/<pipeline>.sql, named by PipelineDecl.ksqlFile) and
 * validates them together with the datasets those pipelines produce. Used at synth time.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DatasetSchema } from '../../generators/schema';
import type { DatasetName } from '../../pipelines/datasets';
import { PROJECT_ROOT } from '../../lib/project-root';
import type { PipelineDecl } from '../../pipelines/types';
import { parseScript, type ParsedScript } from './parser';
import { KsqlScriptError } from './problem';
import { validateScripts, type ScriptGraph } from './validator';


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
