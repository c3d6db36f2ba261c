/**
 * The lab's memory budget, derived from the synthesized stack: what the containers' memory limits
 * add up to, and what each pipeline costs, i.e. the containers that exist only because the pipeline
 * is on (its generators, the optional services it alone needs). A pipeline's cost is measured by
 * synthesizing the stack without it, so a new kind of container is counted without a rule here.
 */
import type { LabConfig } from '../config/types';
import type { PipelineName } from '../pipelines/catalog';
import { synthStackJson, type Json } from './app';

/** What every container's memory limit may add up to with every pipeline on: a laptop's 8 GiB. */
export const MEMORY_BUDGET_MB = 8192;

export interface ContainerMemory {
  readonly hostname: string;
  readonly memoryMb: number;
}

export interface PipelineMemory {
  readonly pipeline: PipelineName;
  /** The containers that are there only because this pipeline is on. */
  readonly containers: readonly ContainerMemory[];
  readonly totalMb: number;
}

export interface MemoryBudget {
  readonly budgetMb: number;
  readonly totalMb: number;
  /** What the enabled pipelines share: the core services and anything two pipelines need. */
  readonly sharedMb: number;
  readonly pipelines: readonly PipelineMemory[];
}

/** Every container of a synthesized stack with its memory limit (0 for one without a limit). */
export function containerMemory(tf: Json): ContainerMemory[] {
  const containers = ((tf.resource as Record<string, unknown> | undefined)?.docker_container ?? {}) as Record<string, { hostname: string; memory?: number }>;
  return Object.values(containers).map((c) => ({ hostname: c.hostname, memoryMb: c.memory ?? 0 }));
}

const sum = (containers: readonly ContainerMemory[]): number => containers.reduce((total, c) => total + c.memoryMb, 0);

/** The budget of `config`'s stack: its total and each enabled pipeline's cost. */
export function memoryBudget(config: LabConfig, synth: (config: LabConfig) => Json = synthStackJson): MemoryBudget {
  const all = containerMemory(synth(config));
  const pipelines = config.pipelines.map((pipeline): PipelineMemory => {
    const without = new Set(containerMemory(synth({ ...config, pipelines: config.pipelines.filter((p) => p !== pipeline) })).map((c) => c.hostname));
    const containers = all.filter((c) => !without.has(c.hostname));
    return { pipeline, containers, totalMb: sum(containers) };
  });
  const totalMb = sum(all);
  return { budgetMb: MEMORY_BUDGET_MB, totalMb, sharedMb: totalMb - pipelines.reduce((total, p) => total + p.totalMb, 0), pipelines };
}

/**
 * How many more pipelines the size of the smallest enabled one fit in the budget: 0 when the
 * budget is full or passed, Infinity when the smallest pipeline adds no container of its own.
 */
export function roomForPipelines(budget: MemoryBudget): number {
  const left = budget.budgetMb - budget.totalMb;
  if (left < 0) return 0;
  const smallest = Math.min(...budget.pipelines.map((p) => p.totalMb));
  return smallest === 0 ? Number.POSITIVE_INFINITY : Math.floor(left / smallest);
}

/** One line: the shared part and each pipeline's cost, e.g. `shared 4608 MiB; ratings 0 MiB (no container of its own); shop 1024 MiB (pinot 1024)`. */
export function describeMemory(budget: MemoryBudget): string {
  const pipelines = budget.pipelines.map((p) => `${p.pipeline} ${p.totalMb} MiB (${p.containers.map((c) => `${c.hostname} ${c.memoryMb}`).join(', ') || 'no container of its own'})`);
  return [`shared ${budget.sharedMb} MiB`, ...pipelines].join('; ');
}

/** The problem, in one line, when the limits pass the budget; what to do is in the README's "Memory". */
export function budgetProblems(budget: MemoryBudget): string[] {
  if (budget.totalMb <= budget.budgetMb) return [];
  return [
    `the containers' memory limits add up to ${budget.totalMb} MiB, over the ${budget.budgetMb} MiB budget by ${budget.totalMb - budget.budgetMb} MiB (${describeMemory(budget)}) — ` +
      `see README "Memory": lower a limit the measurements allow, leave a pipeline out of the default \`pipelines\`, or raise MEMORY_BUDGET_MB in stacks/memory-budget.ts with the reason`,
  ];
}
