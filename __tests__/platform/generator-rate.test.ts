/** `rates.<dataset>` in the stack: what the generator containers are told, and what 0 means. */
import { parseGeneratorArgs } from '../../generators/cli-args';
import { configWith, resourcesOf, SNAPSHOT_CONFIGS, synthStack } from '../support/synth';

interface ContainerJson {
  hostname: string;
  env?: string[];
  command?: string[];
}

function generators(overrides: Parameters<typeof configWith>[0]): Map<string, ContainerJson> {
  const containers = Object.values(resourcesOf(synthStack(configWith(overrides)), 'docker_container')) as unknown as ContainerJson[];
  return new Map(containers.filter((c) => c.hostname.startsWith('generator-')).map((c) => [c.hostname, c]));
}

/** Parses a generator container's command as the CLI in it will, with the container's environment. */
function cliOptions(container: ContainerJson) {
  const env = Object.fromEntries((container.env ?? []).map((entry) => [entry.slice(0, entry.indexOf('=')), entry.slice(entry.indexOf('=') + 1)]));
  const [node, script, ...args] = container.command ?? [];
  expect([node, script]).toEqual(['node', 'dist/generators/cli.js']);
  const parsed = parseGeneratorArgs(args, env);
  if (parsed.kind !== 'run') throw new Error(`${container.hostname}: the command asks for help`);
  return parsed.options;
}

describe('generator rates in the stack', () => {
  it('rate 0 pauses a dataset: no generator container for it, the others keep theirs at their rate', () => {
    const containers = generators({ pipelines: ['ratings', 'server-logs', 'clickstream'], rates: { ratings: 0, clickstream_users: 0, server_logs: 100000 } });
    expect([...containers.keys()].sort()).toEqual(['generator-clickstream', 'generator-clickstream-codes', 'generator-server-logs']);
    expect(cliOptions(containers.get('generator-server-logs')!).rate).toBe(100000);
    expect(cliOptions(containers.get('generator-clickstream')!).rate).toBe(5);
  });

  it.each(Object.entries(SNAPSHOT_CONFIGS))('every generator command of the %s configuration is one the CLI accepts', (_, overrides) => {
    const containers = generators({ ...overrides, rates: { ratings: 1 } });
    expect(containers.size).toBeGreaterThan(0);
    for (const container of containers.values()) expect(() => cliOptions(container)).not.toThrow();
  });
});
