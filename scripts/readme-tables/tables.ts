/**
 * The README tables that follow from the declarations, rendered as the README shows them:
 * the pipelines (pipelines/catalog.ts and each pipelines/<name>.ts), their dashboards, and what
 * each pipeline costs in memory (stacks/memory-budget.ts). `npm run readme:tables` writes them
 * into README.md; the tests compare README.md with them.
 */
import { DEFAULT_CONFIG } from '../../config/defaults';
import { dashboardPath, dashboardUid } from '../../dashboards/dashboard';
import { PIPELINES } from '../../pipelines/catalog';
import { DATASET_SCHEMAS, type DatasetName } from '../../pipelines/datasets';
import type { PipelineDecl } from '../../pipelines/types';
import type { MemoryBudget } from '../../stacks/memory-budget';

/** The README's generated tables, by the name in their markers (`<!-- readme:tables pipelines -->`). */
export type ReadmeTable = 'pipelines' | 'dashboards' | 'memory';

const row = (cells: readonly string[]): string => `| ${cells.join(' | ')} |`;
const code = (text: string): string => `\`${text}\``;
const withNote = (text: string, note: string | undefined): string => (note ? `${text} (${note})` : text);

/** How a dataset reaches Kafka, where it is not its generator producing to its topic. */
function datasetNote(pipeline: PipelineDecl, dataset: DatasetName): string | undefined {
  const sink = DATASET_SCHEMAS[dataset].sink;
  if (sink.kind === 'database') return `rows into MariaDB ${code(sink.table)}, captured by Debezium`;
  return pipeline.apiProduces === dataset ? 'sent through the payments API' : undefined;
}

/** README "Pipelines": each pipeline's datasets, script and Elasticsearch sinks. */
export function pipelinesTable(): string {
  return [
    row(['pipeline', 'datasets (generators)', 'ksqlDB script', 'sent to Elasticsearch']),
    '|---|---|---|---|',
    ...Object.values(PIPELINES).map((p) =>
      row([
        code(p.name),
        p.datasets.map((d) => withNote(code(d), datasetNote(p, d))).join(', '),
        code(p.ksqlFile),
        p.sinks.map((s) => withNote(s.object, s.note)).join(', '),
      ]),
    ),
  ].join('\n');
}

/** README "Dashboards": each pipeline's Grafana dashboard at the default address, and its panels. */
export function dashboardsTable(): string {
  const grafana = `http://${DEFAULT_CONFIG.bindAddress}:${DEFAULT_CONFIG.ports.grafana}`;
  return [
    row(['dashboard', 'pipeline', 'panels']),
    '|---|---|---|',
    ...Object.values(PIPELINES).map(({ dashboard: d }) =>
      row([`[${d.title}](${grafana}${dashboardPath(dashboardUid(d.pipeline))})`, code(d.pipeline), d.panels.map((p) => p.title).join('; ')]),
    ),
  ].join('\n');
}

/** README "Memory": what each pipeline of `budget` costs, and the part every pipeline shares. */
export function memoryTable(budget: MemoryBudget): string {
  return [
    row(['pipeline', 'containers only it needs (MiB each)', 'cost (MiB)']),
    '|---|---|---:|',
    ...budget.pipelines.map((p) => row([p.pipeline, p.containers.map((c) => `${c.hostname} ${c.memoryMb}`).join(', ') || 'none', String(p.totalMb)])),
    row(['(shared)', 'the core services every pipeline uses', String(budget.sharedMb)]),
  ].join('\n');
}
