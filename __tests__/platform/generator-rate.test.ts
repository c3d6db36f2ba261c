/** `rates.<dataset>` in the stack: what the generators container is told, and what 0 means. */
import { parseRunArgs, RUN_COMMAND } from '../../generators/run-args';
import type { CliOptions } from '../../generators/cli-args';
import { configWith, resourcesOf, SNAPSHOT_CONFIGS, synthStack } from '../support/synth';

interface ContainerJson {
  hostname: string;
  env?: string[];
  command?: string[];
}

function generatorsContainer(overrides: Parameters<typeof configWith>[0]): ContainerJson | undefined {
  const containers = Object.values(resourcesOf(synthStack(configWith(overrides)), 'docker_container')) as unknown as ContainerJson[];
  const generators = containers.filter((c) => /^generator/.test(c.hostname));
  expect(generators.length).toBeLessThanOrEqual(1);
  return generators[0];
}

/** Parses the container's command as the CLI in it will, with the container's environment: one entry per dataset. */
function cliOptions(container: ContainerJson): Map<string, CliOptions> {
  const env = Object.fromEntries((container.env ?? []).map((entry) => [entry.slice(0, entry.indexOf('=')), entry.slice(entry.indexOf('=') + 1)]));
  const [node, script, command, ...args] = container.command ?? [];
  expect([node, script, command]).toEqual(['node', 'dist/generators/cli.js', RUN_COMMAND]);
  const parsed = parseRunArgs(args, env);
  if (parsed.kind !== 'run') throw new Error(`${container.hostname}: the command asks for help`);
  return new Map(parsed.runs.map((run) => [run.dataset, run]));
}

describe('generator rates in the stack', () => {
  it('rate 0 pauses a dataset: the generators leave it out, the others keep their rate', () => {
    const runs = cliOptions(generatorsContainer({ pipelines: ['ratings', 'server-logs', 'clickstream'], rates: { ratings: 0, clickstream_users: 0, server_logs: 100000 } })!);
    expect([...runs.keys()].sort()).toEqual(['clickstream', 'clickstream_codes', 'server_logs']);
    expect(runs.get('server_logs')!.rate).toBe(100000);
    expect(runs.get('clickstream')!.rate).toBe(5);
  });

  it('every dataset gets its own health file, and the pipeline its flags', () => {
    const runs = cliOptions(generatorsContainer({ pipelines: ['ratings', 'server-logs'] })!);
    expect(new Map([...runs.values()].map((run) => [run.dataset, run.healthFile]))).toEqual(
      new Map([
        ['server_logs', '/tmp/healthy-server_logs'],
        ['ratings', '/tmp/healthy-ratings'],
      ]),
    );
    expect(runs.get('server_logs')!.flags.burst).toBe(true);
    expect(runs.get('ratings')!.flags).toEqual({ 'bad-rating-probability': 0.15, products: 25 });
  });

  it('no generators container when every dataset is paused', () => {
    expect(generatorsContainer({ pipelines: ['ratings'], rates: { ratings: 0 } })).toBeUndefined();
  });

  it.each(Object.entries(SNAPSHOT_CONFIGS))('the generators command of the %s configuration is one the CLI accepts', (_, overrides) => {
    const container = generatorsContainer({ ...overrides, rates: { ratings: 1 } });
    expect(container).toBeDefined();
    expect(cliOptions(container!).size).toBeGreaterThan(0);
  });
});
