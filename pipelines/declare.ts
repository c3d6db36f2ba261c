import type { DatasetSchema } from '../generators/schema';
import type { PipelineSpec } from './types';

/**
 * Declares a pipeline in its own file. The generic keeps its datasets' literal names, from which
 * the catalog derives the dataset names, and checks that `generatorArgs` and `apiProduces` name
 * only datasets of this pipeline.
 */
export function declarePipeline<const Datasets extends readonly DatasetSchema[]>(spec: PipelineSpec<Datasets>): PipelineSpec<Datasets> {
  return spec;
}
