/**
 * Grafana panels (the classic dashboard JSON model of @grafana/schema) from panel declarations,
 * each reading the index of its sink through that index's data source.
 */
import {
  BigValueColorMode,
  BigValueGraphMode,
  BigValueJustifyMode,
  BigValueTextMode,
  FieldColorModeId,
  GraphDrawStyle,
  GraphThresholdsStyleMode,
  LegendDisplayMode,
  ThresholdsMode,
  TooltipDisplayMode,
  SortOrder,
  VizOrientation,
  type DataTransformerConfig,
  type FieldConfigSource,
  type GridPos,
  type Panel,
  type ThresholdsConfig,
} from '@grafana/schema';
import type { Options as StatOptions } from '@grafana/schema/dist/types/raw/composable/stat/panelcfg/x/types.gen';
import type { Options as TableOptions } from '@grafana/schema/dist/types/raw/composable/table/panelcfg/x/types.gen';
import type { Options as TimeSeriesOptions } from '@grafana/schema/dist/types/raw/composable/timeseries/panelcfg/x/types.gen';
import type { Options as BarChartOptions } from '@grafana/schema/dist/types/raw/composable/barchart/panelcfg/x/types.gen';
import {
  dateHistogram,
  datasourceRef,
  luceneQuery,
  metricAggs,
  termsAgg,
  type ElasticsearchQuery,
} from './elasticsearch-query';
import type { SinkSource } from './sink-sources';
import type { BarPanel, GroupedTablePanel, Metric, PanelDecl, StatPanel, TablePanel, TimeSeriesPanel } from './types';

/** A sink source that Grafana can query: one with a time field. */
export type QueryableSource = SinkSource & { readonly timeField: string };

export const GREEN = 'green';
export const RED = 'red';

/** `base` below `from`, `above` from it on (no step when `from` is undefined). */
export function thresholds(from?: number, base = GREEN, above = RED): ThresholdsConfig {
  return {
    mode: ThresholdsMode.Absolute,
    steps: [{ color: base, value: null }, ...(from === undefined ? [] : [{ color: above, value: from }])],
  };
}

function target(source: QueryableSource, decl: PanelDecl, metrics: ElasticsearchQuery['metrics'], bucketAggs: ElasticsearchQuery['bucketAggs']): ElasticsearchQuery {
  return { refId: 'A', datasource: datasourceRef(source.datasourceUid), query: luceneQuery(decl.where), metrics, bucketAggs, timeField: source.timeField };
}

function basePanel(id: number, gridPos: GridPos, decl: PanelDecl, source: QueryableSource, type: string): Panel {
  return {
    id,
    type,
    title: decl.title,
    description: `${decl.description} (index ${source.index}, from ksqlDB ${source.object})`,
    gridPos,
    datasource: datasourceRef(source.datasourceUid),
    ...(decl.timeFrom ? { timeFrom: decl.timeFrom } : {}),
  };
}

function fieldConfig(unit: string, custom: Record<string, unknown> = {}, extra: Partial<FieldConfigSource['defaults']> = {}, overrides: FieldConfigSource['overrides'] = []): FieldConfigSource {
  return { defaults: { unit, color: { mode: FieldColorModeId.PaletteClassic }, custom, ...extra }, overrides };
}

/** The reduction a stat applies to per-bucket values of each metric. */
const STAT_CALC: Readonly<Record<Metric['fn'], string>> = { count: 'sum', sum: 'sum', max: 'max', min: 'min', avg: 'mean' };

function timeSeries(id: number, gridPos: GridPos, decl: TimeSeriesPanel, source: QueryableSource): Panel {
  const metrics = metricAggs(decl.metrics);
  const next = metrics.length + 1;
  const buckets = [
    // The busiest series: terms ordered by document count.
    ...(decl.splitBy ? [termsAgg(next + 1, decl.splitBy.field, decl.splitBy.top, '_count')] : []),
    dateHistogram(next, source.timeField, decl.interval),
  ];
  const bars = decl.style === 'bars';
  const options: Partial<TimeSeriesOptions> = {
    legend: { showLegend: true, displayMode: LegendDisplayMode.List, placement: 'bottom', calcs: [] },
    tooltip: { mode: TooltipDisplayMode.Multi, sort: SortOrder.Descending },
  };
  return {
    ...basePanel(id, gridPos, decl, source, 'timeseries'),
    targets: [target(source, decl, metrics, buckets)],
    options,
    fieldConfig: fieldConfig(
      decl.unit ?? 'short',
      {
        drawStyle: bars ? GraphDrawStyle.Bars : GraphDrawStyle.Line,
        fillOpacity: bars ? 80 : 10,
        spanNulls: true,
        thresholdsStyle: { mode: decl.threshold === undefined ? GraphThresholdsStyleMode.Off : GraphThresholdsStyleMode.Line },
      },
      { thresholds: thresholds(decl.threshold) },
    ),
  };
}

function tableOptions(sortBy?: TablePanel['sortBy']): Partial<TableOptions> {
  return { showHeader: true, ...(sortBy ? { sortBy: [{ displayName: sortBy.field, desc: sortBy.desc }] } : {}) };
}

/** Epoch-millisecond fields other than the time field come back as numbers: show them as dates. */
function dateOverrides(columns: readonly string[], source: QueryableSource): FieldConfigSource['overrides'] {
  return columns
    .filter((c) => c !== source.timeField && source.dateFields.includes(c))
    .map((c) => ({ matcher: { id: 'byName', options: c }, properties: [{ id: 'unit', value: 'dateTimeAsIso' }] }));
}

function table(id: number, gridPos: GridPos, decl: TablePanel, source: QueryableSource): Panel {
  const keep: DataTransformerConfig = { id: 'filterFieldsByName', options: { include: { names: [...decl.columns] } } };
  const order: DataTransformerConfig = { id: 'organize', options: { indexByName: Object.fromEntries(decl.columns.map((c, i) => [c, i])) } };
  const highlight = decl.highlight
    ? [
        {
          matcher: { id: 'byName', options: decl.highlight.field },
          properties: [
            { id: 'thresholds', value: thresholds(decl.highlight.from, 'transparent') },
            { id: 'custom.cellOptions', value: { type: 'color-background' } },
          ],
        },
      ]
    : [];
  return {
    ...basePanel(id, gridPos, decl, source, 'table'),
    targets: [target(source, decl, [{ id: '1', type: 'raw_data', settings: { size: String(decl.size) } }], [])],
    transformations: [keep, order],
    options: tableOptions(decl.sortBy),
    fieldConfig: fieldConfig(decl.unit ?? 'short', {}, {}, [...dateOverrides(decl.columns, source), ...highlight]),
  };
}

function groupedTable(id: number, gridPos: GridPos, decl: GroupedTablePanel, source: QueryableSource): Panel {
  const metrics = metricAggs(decl.metrics);
  // Nested terms, each level ordered by the first metric, largest first.
  const buckets = decl.groupBy.map((field, i) => termsAgg(metrics.length + 1 + i, field, decl.top, '1'));
  return {
    ...basePanel(id, gridPos, decl, source, 'table'),
    targets: [target(source, decl, metrics, buckets)],
    options: tableOptions(),
    fieldConfig: fieldConfig(decl.unit ?? 'short'),
  };
}

function bars(id: number, gridPos: GridPos, decl: BarPanel, source: QueryableSource): Panel {
  const metrics = metricAggs([decl.metric]);
  const options: Partial<BarChartOptions> = {
    xField: decl.groupBy,
    orientation: VizOrientation.Horizontal,
    legend: { showLegend: false, displayMode: LegendDisplayMode.List, placement: 'bottom', calcs: [] },
    tooltip: { mode: TooltipDisplayMode.Single, sort: SortOrder.None },
  };
  return {
    ...basePanel(id, gridPos, decl, source, 'barchart'),
    targets: [target(source, decl, metrics, [termsAgg(2, decl.groupBy, decl.top, '1')])],
    // A numeric key (an HTTP status) is a category here, not a value to plot.
    transformations: [{ id: 'convertFieldType', options: { conversions: [{ targetField: decl.groupBy, destinationType: 'string' }], fields: {} } }],
    options,
    fieldConfig: fieldConfig(decl.unit ?? 'short'),
  };
}

function statOptions(calc: string, textMode: BigValueTextMode = BigValueTextMode.Value): Partial<StatOptions> {
  return {
    reduceOptions: { calcs: [calc], fields: '', values: false },
    colorMode: BigValueColorMode.Background,
    graphMode: BigValueGraphMode.Area,
    justifyMode: BigValueJustifyMode.Auto,
    textMode,
    orientation: VizOrientation.Auto,
  };
}

function stat(id: number, gridPos: GridPos, decl: StatPanel, source: QueryableSource): Panel {
  return {
    ...basePanel(id, gridPos, decl, source, 'stat'),
    targets: [target(source, decl, metricAggs([decl.metric]), [dateHistogram(2, source.timeField, 'auto')])],
    options: statOptions(STAT_CALC[decl.metric.fn]),
    fieldConfig: fieldConfig(decl.unit ?? 'short', {}, {
      thresholds: decl.redWhenZero ? thresholds(1, RED, GREEN) : thresholds(),
      color: { mode: FieldColorModeId.Thresholds },
      ...(decl.redWhenZero ? { noValue: '0' } : {}),
    }),
  };
}

/** One Grafana panel of a declaration. */
export function grafanaPanel(id: number, gridPos: GridPos, decl: PanelDecl, source: QueryableSource): Panel {
  switch (decl.kind) {
    case 'timeseries':
      return timeSeries(id, gridPos, decl, source);
    case 'table':
      return table(id, gridPos, decl, source);
    case 'grouped-table':
      return groupedTable(id, gridPos, decl, source);
    case 'bars':
      return bars(id, gridPos, decl, source);
    case 'stat':
      return stat(id, gridPos, decl, source);
  }
}

export const GRID_COLUMNS = 24;

/** Left to right, wrapping at 24 columns; a row is as tall as its tallest panel, so nothing overlaps. */
export function flowLayout(sizes: ReadonlyArray<{ readonly width: number; readonly height: number }>, top = 0): GridPos[] {
  const positions: GridPos[] = [];
  let x = 0;
  let y = top;
  let rowHeight = 0;
  for (const { width, height } of sizes) {
    if (x + width > GRID_COLUMNS) {
      x = 0;
      y += rowHeight;
      rowHeight = 0;
    }
    positions.push({ x, y, w: width, h: height });
    x += width;
    rowHeight = Math.max(rowHeight, height);
  }
  return positions;
}
