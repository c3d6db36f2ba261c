/** The README's pipeline table says what pipelines/catalog.ts declares, row for row. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DATASET_NAMES, type DatasetName } from '../../pipelines/datasets';
import { PROJECT_ROOT } from '../../lib/project-root';
import { PIPELINES } from '../../pipelines/catalog';

interface Row {
  readonly pipeline: string;
  readonly datasets: string[];
  readonly ksqlFile: string;
  readonly sinks: string[];
}

const isDataset = (name: string): name is DatasetName => (DATASET_NAMES as readonly string[]).includes(name);

/** The rows of the table under "## Pipelines"; remarks in parentheses are prose, not declarations. */
function pipelineRows(readme: string): Row[] {
  const section = readme.split('\n## Pipelines')[1].split('\n## ')[0];
  return [...section.matchAll(/^\| `([a-z-]+)` \| (.*?) \| `([^`]+)` \| (.*) \|$/gm)].map(([, pipeline, datasets, ksqlFile, sinks]) => ({
    pipeline,
    datasets: [...datasets.matchAll(/`(\w+)`/g)].map((m) => m[1]).filter(isDataset),
    ksqlFile,
    sinks: sinks.replace(/\([^)]*\)/g, '').match(/\b[A-Z][A-Z0-9_]+\b/g) ?? [],
  }));
}

describe('the README pipeline table', () => {
  const readme = readFileSync(join(PROJECT_ROOT, 'README.md'), 'utf8');

  it('has one row per catalog pipeline, with its datasets, script and Elasticsearch sinks', () => {
    const declared = Object.values(PIPELINES).map((p): Row => ({ pipeline: p.name, datasets: [...p.datasets], ksqlFile: p.ksqlFile, sinks: p.sinks.map((s) => s.object) }));
    // One line per row, so a missing or stale row reads as the row to write.
    const line = (r: Row): string => `| \`${r.pipeline}\` | ${r.datasets.map((d) => `\`${d}\``).join(', ')} | \`${r.ksqlFile}\` | ${r.sinks.join(', ')} |`;
    expect(pipelineRows(readme).map(line)).toEqual(declared.map(line));
  });

  it('reads a row as the catalog would write it (the check sees a wrong sink)', () => {
    const row = '| `ratings` | `ratings` | `ksql/ratings.sql` | BAD_RATINGS (< 3 stars), OTHER |';
    expect(pipelineRows(`x\n## Pipelines\n\n${row}\n\n## Next\n`)).toEqual([{ pipeline: 'ratings', datasets: ['ratings'], ksqlFile: 'ksql/ratings.sql', sinks: ['BAD_RATINGS', 'OTHER'] }]);
  });
});
