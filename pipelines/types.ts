import type { DatasetName } from '../generators/schema';

export const PIPELINE_NAMES = [
  'server-logs',
  'ratings',
  'bank-transactions',
  'clickstream',
  'moodle',
  'shop',
  'payments',
] as const;

export type PipelineName = (typeof PIPELINE_NAMES)[number];

/** Platform services that only some pipelines need; the core (Kafka, registry, ksqlDB, Connect, ES, Grafana, UI) always runs. */
export type OptionalService = 'mariadb' | 'kibana' | 'pinot';

/** A generator container the pipeline runs: a dataset produced continuously at the configured rate. */
export interface GeneratorDecl {
  readonly dataset: DatasetName;
}

/**
 * Everything a pipeline is, in one place. The stack derives its topics, ksqlDB statements,
 * connectors, templates and dashboards from this declaration.
 */
export interface PipelineDecl {
  readonly name: PipelineName;
  readonly title: string;
  /** Which seed document this pipeline comes from. */
  readonly seed: string;
  /** Datasets this pipeline consumes; each has a generator (or, for payments, the API). */
  readonly datasets: readonly DatasetName[];
  /** Optional platform services this pipeline needs. */
  readonly needs: readonly OptionalService[];
  /** Extra generator flags per dataset in the stack, e.g. an anomaly at start so alerts show at once. */
  readonly generatorArgs?: Readonly<Partial<Record<DatasetName, readonly string[]>>>;
  /** Runs the payments HTTP API. */
  readonly paymentsApi?: boolean;
  /** ksqlDB script, relative to the project root. */
  readonly ksqlFile: string;
  /**
   * ksqlDB tables and alert streams a user of the pipeline would chart: each gets an
   * Elasticsearch sink (index = object name in lower case) and, later, dashboard panels.
   */
  readonly sinks: readonly SinkDecl[];
}

export interface SinkDecl {
  /** ksqlDB object name as declared in the pipeline's .sql file (upper case). */
  readonly object: string;
  /** For tables with windowed keys: the value column that, with WINDOWSTART, makes a stable document id. */
  readonly idColumn?: string;
}
