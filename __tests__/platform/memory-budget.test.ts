/** The memory budget: each pipeline's cost derived from the synthesized stack, the README's table of it (rendered by npm run readme:tables), the one-line failure. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_CONFIG } from '../../config/defaults';
import type { LabConfig } from '../../config/types';
import { PROJECT_ROOT } from '../../lib/project-root';
import type { PipelineName } from '../../pipelines/catalog';
import { budgetProblems, memoryBudget, MEMORY_BUDGET_MB, roomForPipelines, type MemoryBudget } from '../../stacks/memory-budget';
import { staleBlock } from '../../scripts/readme-tables/blocks';
import { memoryTable } from '../../scripts/readme-tables/tables';
import type { Json } from '../support/synth';

const budget = memoryBudget(DEFAULT_CONFIG);

/** A synthesized stack of just these containers: what memoryBudget reads. */
const stackOf = (containers: Readonly<Record<string, number>>): Json => ({
  resource: { docker_container: Object.fromEntries(Object.entries(containers).map(([hostname, memory]) => [hostname, { hostname, memory }])) },
});

/** A budget of two pipelines with these costs and shared part. */
function budgetOf(sharedMb: number, ratingsMb: number, shopMb: number): MemoryBudget {
  const pipeline = (name: PipelineName, mb: number) => ({ pipeline: name, containers: [{ hostname: `generator-${name}`, memoryMb: mb }], totalMb: mb });
  return { budgetMb: MEMORY_BUDGET_MB, sharedMb, totalMb: sharedMb + ratingsMb + shopMb, pipelines: [pipeline('ratings', ratingsMb), pipeline('shop', shopMb)] };
}

describe('memoryBudget', () => {
  it('charges a pipeline the containers that are there only because it is on, and shares the rest', () => {
    const config: LabConfig = { ...DEFAULT_CONFIG, pipelines: ['ratings', 'shop'] };
    const synth = (c: LabConfig): Json =>
      stackOf({ ksqldb: 1000, ...(c.pipelines.includes('ratings') ? { 'generator-ratings': 128 } : {}), ...(c.pipelines.includes('shop') ? { 'generator-shop-transactions': 128, pinot: 1024 } : {}) });
    const derived = memoryBudget(config, synth);
    expect(derived.pipelines.map((p) => [p.pipeline, p.totalMb, p.containers.map((c) => c.hostname)])).toEqual([
      ['ratings', 128, ['generator-ratings']],
      ['shop', 1152, ['generator-shop-transactions', 'pinot']],
    ]);
    expect([derived.totalMb, derived.sharedMb]).toEqual([2280, 1000]);
  });

  it("adds up the default stack's pipelines and shared part to its total", () => {
    expect(budget.pipelines.map((p) => p.pipeline)).toEqual(DEFAULT_CONFIG.pipelines);
    expect(budget.sharedMb + budget.pipelines.reduce((sum, p) => sum + p.totalMb, 0)).toBe(budget.totalMb);
  });

  it('leaves room in the budget for at least two more pipelines the size of the smallest one', () => {
    // Every dataset runs in the one generators container, so a pipeline that needs no optional
    // service adds no container (cost 0, room unlimited by the budget); the generators container's
    // own room is measured (README "Memory").
    expect(roomForPipelines(budget)).toBeGreaterThanOrEqual(2);
    expect(MEMORY_BUDGET_MB - budget.totalMb).toBeGreaterThanOrEqual(2 * Math.min(...budget.pipelines.map((p) => p.totalMb).filter((mb) => mb > 0)));
  });
});

describe('budgetProblems', () => {
  it('says in one line the total, the overshoot, what each pipeline costs and where to read what to do', () => {
    const problems = budgetProblems(budgetOf(7000, 128, 1152));
    expect(problems).toEqual([
      "the containers' memory limits add up to 8280 MiB, over the 8192 MiB budget by 88 MiB (shared 7000 MiB; ratings 128 MiB (generator-ratings 128); shop 1152 MiB (generator-shop 1152)) — " +
        'see README "Memory": lower a limit the measurements allow, leave a pipeline out of the default `pipelines`, or raise MEMORY_BUDGET_MB in stacks/memory-budget.ts with the reason',
    ]);
    expect(problems[0]).not.toContain('\n');
  });

  it('says so of a pipeline that adds no container of its own', () => {
    const over: MemoryBudget = { budgetMb: MEMORY_BUDGET_MB, sharedMb: 8200, totalMb: 8200, pipelines: [{ pipeline: 'ratings', containers: [], totalMb: 0 }] };
    expect(budgetProblems(over)[0]).toContain('(shared 8200 MiB; ratings 0 MiB (no container of its own))');
  });

  it('finds nothing at or under the budget', () => {
    expect(budgetProblems(budgetOf(8192 - 128 - 1152, 128, 1152))).toEqual([]);
  });
});

describe('roomForPipelines', () => {
  it('counts the pipelines the size of the smallest one that still fit', () => {
    expect(roomForPipelines(budgetOf(8192 - 128 - 1152 - 300, 128, 1152))).toBe(2);
    expect(roomForPipelines(budgetOf(8192 - 128 - 1152, 128, 1152))).toBe(0);
    expect(roomForPipelines(budgetOf(9000, 128, 1152))).toBe(0);
  });

  it('is unbounded when the smallest pipeline adds no container of its own', () => {
    expect(roomForPipelines(budgetOf(1000, 0, 1152))).toBe(Number.POSITIVE_INFINITY);
  });
});

describe("the README's pipeline cost table", () => {
  it('is the table rendered from the default stack\'s budget', () => {
    expect(staleBlock(readFileSync(join(PROJECT_ROOT, 'README.md'), 'utf8'), 'memory', memoryTable(budget))).toBeUndefined();
  });

  it('renders each pipeline with the containers only it needs, and the shared part', () => {
    const rows = memoryTable(budgetOf(7000, 128, 1152)).split('\n');
    expect(rows.slice(2)).toEqual(['| ratings | generator-ratings 128 | 128 |', '| shop | generator-shop 1152 | 1152 |', '| (shared) | the core services every pipeline uses | 7000 |']);
  });
});
