/**
 * A pipeline's Kibana saved objects, derived from its declaration: a data view per sink index
 * (its time field: the first value column the index template maps as a date), a saved search per
 * dashboard panel, and the dashboard holding those searches. Every field an object names is
 * checked against the value columns of the ksqlDB object behind its index, since a sink's
 * documents hold exactly those fields.
 */
import { ProblemListError } from '../lib/problem-list-error';
import type { SavedObjectSpec } from '../ops/kibana/applier';
import { valueColumns } from '../ksql-language/columns';
import type { KsqlStatement } from '../ksql-language/parser';
import type { SinkTarget } from './elasticsearch-sinks';
import { isTemplateTimeColumn, type IndexTemplateOptions } from './index-templates';
import type { KibanaPanelDecl, PipelineDecl } from '../pipelines/types';

export class KibanaDeclarationError extends ProblemListError {
  constructor(pipeline: string, problems: readonly string[]) {
    super(`Kibana objects of pipeline ${pipeline} (pipelines/catalog.ts) failed validation`, problems);
    this.name = 'KibanaDeclarationError';
  }
}

/** The objects in the order they must be written: data views, then searches, then the dashboard. */
export interface KibanaObjects {
  readonly dataViews: readonly SavedObjectSpec[];
  readonly searches: readonly SavedObjectSpec[];
  readonly dashboard: SavedObjectSpec;
}

/** The name under which a saved search refers to its data view (Kibana's own convention). */
const SEARCH_INDEX_REF = 'kibanaSavedObjectMeta.searchSourceJSON.index';
/** Dashboard grid: 48 columns wide; each panel takes the full width. */
const GRID_WIDTH = 48;
const PANEL_HEIGHT = 15;

export function dataViewId(target: SinkTarget): string {
  return target.index;
}

export function dashboardId(pipeline: string): string {
  return `${pipeline}-dashboard`;
}

function searchId(pipeline: string, target: SinkTarget): string {
  return `${pipeline}-${target.index}`;
}

function emptyQuery(extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ query: { query: '', language: 'kuery' }, filter: [], ...extra });
}

function dataView(target: SinkTarget, fields: readonly string[], options: IndexTemplateOptions): SavedObjectSpec {
  const timeField = fields.find((f) => isTemplateTimeColumn(f, options));
  return {
    type: 'index-pattern',
    id: dataViewId(target),
    attributes: { title: target.index, name: target.object, ...(timeField ? { timeFieldName: timeField } : {}) },
    references: [],
  };
}

function search(pipeline: string, panel: KibanaPanelDecl, target: SinkTarget): SavedObjectSpec {
  return {
    type: 'search',
    id: searchId(pipeline, target),
    attributes: {
      title: panel.title,
      description: `${target.object} (index ${target.index})`,
      columns: [...panel.columns],
      sort: [[panel.sortBy, 'desc']],
      kibanaSavedObjectMeta: { searchSourceJSON: emptyQuery({ indexRefName: SEARCH_INDEX_REF }) },
    },
    references: [{ name: SEARCH_INDEX_REF, type: 'index-pattern', id: dataViewId(target) }],
  };
}

function dashboard(decl: PipelineDecl, searches: readonly SavedObjectSpec[]): SavedObjectSpec {
  const board = decl.kibana!.dashboard;
  // Kibana stores the panels as a JSON string; each names its saved search by a reference.
  const panels = searches.map((_, i) => {
    const panelIndex = String(i + 1);
    return {
      type: 'search',
      panelIndex,
      gridData: { x: 0, y: i * PANEL_HEIGHT, w: GRID_WIDTH, h: PANEL_HEIGHT, i: panelIndex },
      embeddableConfig: {},
      panelRefName: `panel_${panelIndex}`,
    };
  });
  return {
    type: 'dashboard',
    id: dashboardId(decl.name),
    attributes: {
      title: board.title,
      description: board.description,
      panelsJSON: JSON.stringify(panels),
      optionsJSON: JSON.stringify({ useMargins: true, hidePanelTitles: false }),
      timeRestore: false,
      kibanaSavedObjectMeta: { searchSourceJSON: emptyQuery() },
    },
    references: searches.map((s, i) => ({ name: `${i + 1}:panel_${i + 1}`, type: 'search', id: s.id })),
  };
}

/**
 * The Kibana objects of a pipeline with a `kibana` declaration. `targets` are its resolved sinks,
 * `statements` its script's, `options` those of its index template (the dataset time columns).
 */
export function kibanaObjects(decl: PipelineDecl, targets: readonly SinkTarget[], statements: readonly KsqlStatement[], options: IndexTemplateOptions): KibanaObjects {
  if (!decl.kibana) throw new Error(`pipeline ${decl.name} declares no Kibana objects`);
  const byName = new Map(statements.filter((s) => s.kind !== 'INSERT').map((s) => [s.name, s]));
  const fieldsOf = (target: SinkTarget): string[] => valueColumns(byName.get(target.object)!, byName);
  const problems: string[] = [];
  const searches: SavedObjectSpec[] = [];
  for (const panel of decl.kibana.dashboard.panels) {
    const target = targets.find((t) => t.object === panel.object);
    if (!target) {
      problems.push(`panel "${panel.title}" reads ${panel.object}, which is not a sink of ${decl.name} — add it to the sinks, or show a sink`);
      continue;
    }
    const fields = fieldsOf(target);
    for (const field of [...panel.columns, panel.sortBy]) {
      if (!fields.includes(field)) {
        problems.push(`panel "${panel.title}" names field ${field}, which ${panel.object} does not write (its documents hold ${fields.join(', ')}) — name one of those`);
      }
    }
    searches.push(search(decl.name, panel, target));
  }
  if (problems.length) throw new KibanaDeclarationError(decl.name, problems);
  return {
    dataViews: targets.map((t) => dataView(t, fieldsOf(t), options)),
    searches,
    dashboard: dashboard(decl, searches),
  };
}
