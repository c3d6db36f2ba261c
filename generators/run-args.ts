/**
 * `lab-generate run`: several datasets in one process, each a group of its own dataset command
 * line, the groups separated by `--`. One Node.js process for all of them costs a fraction of one
 * process per dataset (BENCHMARKS.md, "Generator memory").
 */
import { helpText, parseGeneratorArgs, UsageError, type CliOptions } from './cli-args';

export const RUN_COMMAND = 'run';
/** Separates the datasets' groups on a `run` command line. */
export const GROUP_SEPARATOR = '--';

export type ParsedRunArgs = { readonly kind: 'help'; readonly text: string } | { readonly kind: 'run'; readonly runs: readonly CliOptions[] };

export const RUN_USAGE = `Usage: lab-generate ${RUN_COMMAND} <dataset> [options] [${GROUP_SEPARATOR} <dataset> [options]]...

Runs several datasets in one process, each with its own options (rate, flags, topic, health file),
as if each were 'lab-generate <dataset> [options]':

  lab-generate ${RUN_COMMAND} server_logs --rate 5 --burst ${GROUP_SEPARATOR} ratings --rate 2 ${GROUP_SEPARATOR} shop_transactions --rate 1

Every line a dataset writes starts with [lab-generate <dataset>]. SIGUSR1 triggers the on-demand
anomaly of every dataset that has one; SIGINT/SIGTERM stop them all. When one dataset cannot
deliver (or cannot start), the others are stopped too and the process exits with its code, so a
failure is never hidden behind the datasets that still work. A dataset appears at most once.`;

function groups(argv: readonly string[]): string[][] {
  const result: string[][] = [[]];
  for (const arg of argv) {
    if (arg === GROUP_SEPARATOR) result.push([]);
    else result[result.length - 1].push(arg);
  }
  return result;
}

/** The options of every group of a `run` command line (the arguments after `run`); throws UsageError naming the group. */
export function parseRunArgs(argv: readonly string[], env: Readonly<Record<string, string | undefined>> = process.env): ParsedRunArgs {
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h') return { kind: 'help', text: `${RUN_USAGE}\n\n${helpText()}` };
  const runs: CliOptions[] = [];
  for (const [index, group] of groups(argv).entries()) {
    const where = `dataset group ${index + 1}${group[0] ? ` (${group[0]})` : ''}`;
    if (group.length === 0) throw new UsageError(`${where} is empty: give '<dataset> [options]' between two '${GROUP_SEPARATOR}'`);
    let parsed: ReturnType<typeof parseGeneratorArgs>;
    try {
      parsed = parseGeneratorArgs(group, env);
    } catch (error) {
      throw new UsageError(`${where}: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (parsed.kind === 'help') return { kind: 'help', text: `${RUN_USAGE}\n\n${parsed.text}` };
    const options = parsed.options;
    if (runs.some((run) => run.dataset === options.dataset)) {
      throw new UsageError(`${where}: ${options.dataset} is given twice; give each dataset once, with --workers for more producers`);
    }
    if (options.healthFile !== undefined && runs.some((run) => run.healthFile === options.healthFile)) {
      throw new UsageError(`${where}: --health-file ${options.healthFile} is also another dataset's; give each dataset its own health file`);
    }
    runs.push(options);
  }
  return { kind: 'run', runs };
}
