/**
 * A pipeline's Grafana dashboard as declared next to the pipeline: panels in terms of its sink
 * objects (ksqlDB names, upper case) and their columns. Index, data source and time field are
 * never written here: they are derived from the sink object (dashboards/sink-sources.ts), so a
 * renamed object or column fails the consistency tests instead of drawing an empty panel.
 */

/** An Elasticsearch metric aggregation over one sink's documents. */
export type Metric =
  | { readonly fn: 'count' }
  | { readonly fn: 'sum' | 'avg' | 'max' | 'min'; readonly field: string };

/**
 * A filter on a document field, rendered as a Lucene query. `variable` matches the values of a
 * dashboard variable (declared in DashboardDecl.variables).
 */
export type Condition =
  | { readonly field: string; readonly below: number }
  | { readonly field: string; readonly atLeast: number }
  | { readonly field: string; readonly variable: string };

/** Grafana's unit ids for the values we chart (decbytes: bytes in powers of 1000, as the 500 MB threshold). */
export type Unit = 'short' | 'decbytes' | 'ms' | 's' | 'percentunit' | 'none';

interface PanelBase {
  readonly title: string;
  /** What the panel answers, shown as its description. */
  readonly description: string;
  /** ksqlDB object whose sink index the panel reads; it must be one of the pipeline's sinks. */
  readonly sink: string;
  /** Grid width in Grafana's 24 columns. */
  readonly width: number;
  /** Grid height in rows of 30 px. */
  readonly height: number;
  readonly where?: readonly Condition[];
  /**
   * A time range of its own, e.g. '7d' for totals kept since the start, whose documents carry the
   * time of their last update.
   * @default the dashboard's time range
   */
  readonly timeFrom?: string;
  /** @default 'short' */
  readonly unit?: Unit;
}

/** Metrics per time bucket of the sink's time field, optionally one series per value of a field. */
export interface TimeSeriesPanel extends PanelBase {
  readonly kind: 'timeseries';
  readonly metrics: readonly Metric[];
  /** Bucket size, e.g. '1m'; a window size of the object, so each bucket holds its windows. */
  readonly interval: string;
  readonly splitBy?: { readonly field: string; readonly top: number };
  /** A line drawn at this value (an alert threshold of the ksqlDB statement). */
  readonly threshold?: number;
  /** @default 'lines' */
  readonly style?: 'lines' | 'bars';
}

/** The newest documents as rows, these columns in this order. */
export interface TablePanel extends PanelBase {
  readonly kind: 'table';
  readonly columns: readonly string[];
  readonly sortBy: { readonly field: string; readonly desc: boolean };
  /** How many documents Elasticsearch returns, newest first. */
  readonly size: number;
  /** Cells of this column turn red from this value on. */
  readonly highlight?: { readonly field: string; readonly from: number };
}

/** One row per value of each `groupBy` field (nested terms), with metrics: a top-N table. */
export interface GroupedTablePanel extends PanelBase {
  readonly kind: 'grouped-table';
  readonly groupBy: readonly string[];
  readonly metrics: readonly Metric[];
  /** Rows per group level. */
  readonly top: number;
}

/** One bar per value of `groupBy`, height a metric. */
export interface BarPanel extends PanelBase {
  readonly kind: 'bars';
  readonly groupBy: string;
  readonly metric: Metric;
  readonly top: number;
}

/** One number: the metric over the panel's time range. */
export interface StatPanel extends PanelBase {
  readonly kind: 'stat';
  readonly metric: Metric;
  /**
   * Red below 1, green from 1: for "did anything arrive".
   * @default false: one neutral color
   */
  readonly redWhenZero?: boolean;
}

export type PanelDecl = TimeSeriesPanel | TablePanel | GroupedTablePanel | BarPanel | StatPanel;

/** A dashboard variable whose values are the terms of a field in a sink's index. */
export interface TermsVariable {
  readonly name: string;
  readonly label: string;
  readonly sink: string;
  readonly field: string;
}

/** A dashboard as its file (dashboards/<pipeline>.ts) declares it; its pipeline's declaration names it. */
export interface DashboardSpec {
  readonly title: string;
  readonly description: string;
  /** @default 'now-30m' */
  readonly from?: string;
  /**
   * The sink whose documents keep arriving while the pipeline runs: the home dashboard's "data
   * arrived" check counts its documents of the last minutes.
   */
  readonly arrival: string;
  readonly variables?: readonly TermsVariable[];
  readonly panels: readonly PanelDecl[];
}

/**
 * A pipeline's dashboard with the pipeline it belongs to (derived from the catalog). The name is a
 * plain string here: the catalog imports the dashboards, so naming its PipelineName type would tie
 * the two into a circle.
 */
export interface DashboardDecl extends DashboardSpec {
  readonly pipeline: string;
}
