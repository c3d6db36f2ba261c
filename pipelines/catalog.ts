/**
 * The lab's pipelines: one line per pipeline, its key is its name. Everything else that lists
 * pipelines or datasets (names, configuration, dataset schemas, dashboards, generators) is
 * derived from this object; a pipeline's own file (pipelines/<name>.ts) declares the rest.
 * The order is the deploy order of independent pipelines and the order of every derived list.
 */
import { BANK_TRANSACTIONS_PIPELINE } from './bank-transactions';
import { CLICKSTREAM_PIPELINE } from './clickstream';
import { MOODLE_PIPELINE } from './moodle';
import { PAYMENTS_PIPELINE } from './payments';
import { RATINGS_PIPELINE } from './ratings';
import { SERVER_LOGS_PIPELINE } from './server-logs';
import { SHOP_PIPELINE } from './shop';
import type { DatasetName } from './datasets';
import type { PipelineDecl, PipelineSpec } from './types';

export const PIPELINE_SPECS = {
  'server-logs': SERVER_LOGS_PIPELINE,
  ratings: RATINGS_PIPELINE,
  'bank-transactions': BANK_TRANSACTIONS_PIPELINE,
  clickstream: CLICKSTREAM_PIPELINE,
  moodle: MOODLE_PIPELINE,
  shop: SHOP_PIPELINE,
  payments: PAYMENTS_PIPELINE,
} as const satisfies Readonly<Record<string, PipelineSpec>>;

export type PipelineName = keyof typeof PIPELINE_SPECS;

export const PIPELINE_NAMES = Object.keys(PIPELINE_SPECS) as readonly PipelineName[];

/** The naming rule for a pipeline's ksqlDB script: one file per pipeline, runnable as is in the ksql CLI. */
export const ksqlFileOf = (name: string): string => `ksql/${name}.sql`;

/**
 * A pipeline's declaration completed from its name: its script by the naming rule, its datasets
 * by name, its dashboard with its pipeline. The names are the catalog's for its entries; a test
 * fixture's throwaway pipeline is completed the same way.
 */
export function completePipeline(name: string, spec: PipelineSpec): PipelineDecl {
  const { datasets, dashboard, apiProduces, generatorArgs, ...rest } = spec;
  const pipeline = name as PipelineName;
  return {
    name: pipeline,
    ...rest,
    datasets: datasets.map((d) => d.name as DatasetName),
    ...(generatorArgs ? { generatorArgs: generatorArgs as Partial<Record<DatasetName, readonly string[]>> } : {}),
    ...(apiProduces ? { apiProduces: apiProduces as DatasetName } : {}),
    ksqlFile: ksqlFileOf(name),
    dashboard: { pipeline, ...dashboard },
  };
}

export const PIPELINES = Object.fromEntries(
  PIPELINE_NAMES.map((name) => [name, completePipeline(name, PIPELINE_SPECS[name])]),
) as Readonly<Record<PipelineName, PipelineDecl>>;
