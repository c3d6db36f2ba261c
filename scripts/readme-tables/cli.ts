/**
 * `npm run readme:tables`: renders README.md's tables of pipelines, dashboards and pipeline
 * memory costs from the declarations and rewrites them between their markers. The memory table
 * synthesizes the stack once per pipeline, so this takes a while.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_CONFIG } from '../../config/defaults';
import { PROJECT_ROOT } from '../../lib/project-root';
import { memoryBudget } from '../../stacks/memory-budget';
import { readmeBlock, withBlock } from './blocks';
import { dashboardsTable, memoryTable, pipelinesTable, type ReadmeTable } from './tables';

const README = join(PROJECT_ROOT, 'README.md');

const rendered: ReadonlyArray<readonly [ReadmeTable, () => string]> = [
  ['pipelines', pipelinesTable],
  ['dashboards', dashboardsTable],
  ['memory', () => memoryTable(memoryBudget(DEFAULT_CONFIG))],
];

let readme = readFileSync(README, 'utf8');
for (const [table, render] of rendered) {
  const text = render();
  const changed = readmeBlock(readme, table) !== text;
  readme = withBlock(readme, table, text);
  console.log(`${table}: ${changed ? 'rewritten' : 'unchanged'}`);
}
writeFileSync(README, readme);
