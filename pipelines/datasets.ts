/**
 * The datasets of the lab: those its pipelines consume, in catalog order, each once. Nothing here
 * is written by hand; a dataset exists because a pipeline declaration names its schema. Only the
 * schemas are loaded (no faker, no kafkajs): generator modules are found by name
 * (generators/datasets/index.ts).
 */
import type { DatasetSchema } from '../generators/schema';
import { PIPELINE_NAMES, PIPELINE_SPECS, type PipelineName } from './catalog';

export type DatasetName = (typeof PIPELINE_SPECS)[PipelineName]['datasets'][number]['name'];

const schemas = new Map<string, DatasetSchema>();
for (const name of PIPELINE_NAMES) {
  for (const schema of PIPELINE_SPECS[name].datasets) {
    const known = schemas.get(schema.name);
    if (known && known !== schema) throw new Error(`pipelines/${name}.ts: two dataset schemas are named ${schema.name} — give each dataset its own name, or import the one of generators/datasets/${schema.name}.schema.ts`);
    schemas.set(schema.name, schema);
  }
}

export const DATASET_SCHEMAS = Object.fromEntries(schemas) as Readonly<Record<DatasetName, DatasetSchema>>;

export const DATASET_NAMES = [...schemas.keys()] as readonly DatasetName[];
