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

/**
 * Platform services that only some pipelines need; the core (Kafka, registry, ksqlDB, Connect, ES,
 * Grafana, UI) always runs. The database is not listed: it runs when an enabled pipeline has a
 * dataset whose sink is a database (its schema's `sink.kind`).
 */
export type OptionalService = 'kibana' | 'pinot';

/** The datasets that the lab's HTTP API produces: the payments API serves the payments dataset. */
export type ApiDataset = Extract<DatasetName, 'payments'>;

/**
 * Everything a pipeline is, in one place. The stack derives its topics, ksqlDB statements,
 * connectors, templates and dashboards from this declaration and from its datasets' schemas:
 * a dataset whose sink is a database gets the database, its generator writes rows there, and a
 * Debezium source turns them into the dataset's CDC topic; every other dataset's generator
 * produces to its topics.
 */
export interface PipelineDecl {
  readonly name: PipelineName;
  /** The use case, in a few words. */
  readonly title: string;
  /** Datasets this pipeline consumes; each has a generator (whose rate 0 pauses it). */
  readonly datasets: readonly DatasetName[];
  /** Optional platform services this pipeline needs. */
  readonly needs: readonly OptionalService[];
  /**
   * Extra generator flags per dataset in the stack, e.g. an anomaly at start so alerts show at once.
   * @default none
   */
  readonly generatorArgs?: Readonly<Partial<Record<DatasetName, readonly string[]>>>;
  /**
   * A dataset of this pipeline that reaches Kafka through the lab's HTTP API: the stack runs the
   * API, the dataset's generator sends its records through it (`--via-api`), and the pipeline's
   * ksqlDB statements wait for the API, which registers the dataset's schemas at start.
   * @default none: every generator produces to Kafka (or its database) itself
   */
  readonly apiProduces?: ApiDataset;
  /** ksqlDB script, relative to the project root. */
  readonly ksqlFile: string;
  /**
   * ksqlDB tables and alert streams a user of the pipeline would chart: each gets an
   * Elasticsearch sink (index = object name in lower case) and, later, dashboard panels.
   */
  readonly sinks: readonly SinkDecl[];
  /**
   * Kibana objects (needs `kibana`): a data view per sink index, and one dashboard.
   * @default none
   */
  readonly kibana?: KibanaDecl;
  /**
   * A REALTIME Apache Pinot table over a ksqlDB object's topic (needs `pinot`).
   * @default none
   */
  readonly pinot?: PinotDecl;
}

export interface SinkDecl {
  /** ksqlDB object name as declared in the pipeline's .sql file (upper case). */
  readonly object: string;
}

/** One panel of a pipeline's Kibana dashboard: a saved search over one sink index. */
export interface KibanaPanelDecl {
  /** The panel's title, what it shows: `Sessions`. */
  readonly title: string;
  /** The sink object (one of the pipeline's `sinks`) whose index the panel reads. */
  readonly object: string;
  /** The document fields shown, in order: value columns of the object (upper case, as ksqlDB writes them). */
  readonly columns: readonly string[];
  /** The field the rows are sorted by, largest first. */
  readonly sortBy: string;
}

/** A pipeline's Kibana dashboard; every sink index also gets a data view of its own. */
export interface KibanaDecl {
  readonly dashboard: {
    readonly title: string;
    readonly description: string;
    readonly panels: readonly KibanaPanelDecl[];
  };
}

/** Pinot's data types that JSON numbers and strings map to. */
export type PinotDataType = 'INT' | 'LONG' | 'FLOAT' | 'DOUBLE' | 'STRING' | 'BOOLEAN';

/**
 * A REALTIME Pinot table (named as the object in lower case) consuming the topic a ksqlDB object
 * writes in JSON. Its columns are the object's value columns: those holding epoch milliseconds
 * (the index templates' time rule) become date-time fields, every other must be given a type here.
 */
export interface PinotDecl {
  /** ksqlDB object whose topic the table consumes. */
  readonly object: string;
  /** The value column whose epoch milliseconds are the table's time column. */
  readonly timeColumn: string;
  /** Value columns that are measures (SUM, COUNT...), with their Pinot types. */
  readonly metrics: Readonly<Record<string, PinotDataType>>;
  /**
   * Value columns to filter and group by, with their Pinot types.
   * @default none
   */
  readonly dimensions?: Readonly<Record<string, PinotDataType>>;
}
