import type { DashboardDecl, DashboardSpec } from '../dashboards/types';
import type { DatasetSchema } from '../generators/schema';
import type { PipelineName } from './catalog';
import type { DatasetName } from './datasets';

/**
 * Platform services that only some pipelines need; the core (Kafka, registry, ksqlDB, Connect, ES,
 * Grafana, UI) always runs. The database is not listed: it runs when an enabled pipeline has a
 * dataset whose sink is a database (its schema's `sink.kind`).
 */
export type OptionalService = 'kibana' | 'pinot';

/**
 * What a pipeline's own file (pipelines/<name>.ts) writes: everything a pipeline is, except what
 * its key in the catalog gives (its name, and from it its ksqlDB script `ksql/<name>.sql`). The
 * stack derives its topics, ksqlDB statements, connectors, templates and dashboards from this
 * declaration and from its datasets' schemas: a dataset whose sink is a database gets the
 * database, its generator writes rows there, and a Debezium source turns them into the dataset's
 * CDC topic; every other dataset's generator produces to its topics.
 *
 * Its types name datasets by their schema objects, never by the name unions derived from the
 * catalog: those unions are computed from this type, which must not depend on them.
 */
export interface PipelineSpec<Datasets extends readonly DatasetSchema[] = readonly DatasetSchema[]> {
  /** The use case, in a few words. */
  readonly title: string;
  /** The schemas of the datasets this pipeline consumes; each has a generator (whose rate 0 pauses it). */
  readonly datasets: Datasets;
  /** Optional platform services this pipeline needs. */
  readonly needs: readonly OptionalService[];
  /**
   * Extra generator flags per dataset in the stack, e.g. an anomaly at start so alerts show at once.
   * @default none
   */
  readonly generatorArgs?: Readonly<Partial<Record<Datasets[number]['name'], readonly string[]>>>;
  /**
   * A dataset of this pipeline that reaches Kafka through the lab's HTTP API: the stack runs the
   * API, the dataset's generator sends its records through it (`--via-api`), and the pipeline's
   * ksqlDB statements wait for the API, which registers the dataset's schemas at start.
   * @default none: every generator produces to Kafka (or its database) itself
   */
  readonly apiProduces?: Datasets[number]['name'];
  /**
   * ksqlDB tables and alert streams a user of the pipeline would chart: each gets an
   * Elasticsearch sink (index = object name in lower case) and dashboard panels.
   */
  readonly sinks: readonly SinkDecl[];
  /** Its Grafana dashboard (dashboards/<name>.ts), whose panels read its sinks. */
  readonly dashboard: DashboardSpec;
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

/**
 * A pipeline as the rest of the lab reads it: its declaration completed from its catalog key
 * (pipelines/catalog.ts), with its datasets by name.
 */
export interface PipelineDecl extends Omit<PipelineSpec, 'datasets' | 'generatorArgs' | 'apiProduces' | 'dashboard'> {
  readonly name: PipelineName;
  readonly datasets: readonly DatasetName[];
  readonly generatorArgs?: Readonly<Partial<Record<DatasetName, readonly string[]>>>;
  readonly apiProduces?: DatasetName;
  /** ksqlDB script, relative to the project root: `ksql/<name>.sql`. */
  readonly ksqlFile: string;
  readonly dashboard: DashboardDecl;
}

export interface SinkDecl {
  /** ksqlDB object name as declared in the pipeline's .sql file (upper case). */
  readonly object: string;
  /**
   * What the object holds, in a few words, where its name does not say it (`< 3 stars`): shown in
   * parentheses after the object in the README's pipeline table (`npm run readme:tables`).
   * @default none
   */
  readonly note?: string;
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
