import { DEFAULT_CONFIG } from '../../config/defaults';
import { PIPELINES } from '../../pipelines/catalog';
import { generatorHeapMb } from '../../platform/app';
import { configWith, resourcesOf, synthStack } from '../support/synth';

/** Outside the V8 heap a generator held 43 MiB at the stack's rates in the memory benchmark (BENCHMARKS.md), plus a margin. */
const MEASURED_NON_HEAP_MB = 43 + 16;

describe('generator heap cap', () => {
  // Below about 96 MiB a generator does not run at all (its steady RSS is 67 MiB with a small heap).
  it('leaves the measured non-heap memory inside the limit, for every limit from 96 MiB', () => {
    for (let limit = 96; limit <= 4096; limit += 16) {
      expect(generatorHeapMb(limit) + MEASURED_NON_HEAP_MB).toBeLessThanOrEqual(limit);
    }
  });

  it('gives the heap what the limit has beyond that, not a fixed fraction', () => {
    expect(generatorHeapMb(128)).toBe(64);
    expect(generatorHeapMb(512)).toBe(448);
  });

  it('is what every generator container of the stack gets, for the default and a raised limit', () => {
    for (const memory of [DEFAULT_CONFIG.memoryMb.generator, 256]) {
      const containers = Object.values(resourcesOf(synthStack(configWith({ memoryMb: { generator: memory } })), 'docker_container')) as unknown as Array<{
        hostname: string;
        memory: number;
        env: string[];
      }>;
      const generators = containers.filter((c) => c.hostname.startsWith('generator-'));
      // One generator per dataset of the enabled pipelines (the default rates run them all).
      const datasets = [...new Set(DEFAULT_CONFIG.pipelines.flatMap((name) => PIPELINES[name].datasets))];
      expect(generators.map((g) => g.hostname).sort()).toEqual(datasets.map((d) => `generator-${d.replace(/_/g, '-')}`).sort());
      for (const g of generators) {
        expect([g.hostname, g.memory, g.env.find((e) => e.startsWith('NODE_OPTIONS='))]).toEqual([g.hostname, memory, `NODE_OPTIONS=--max-old-space-size=${generatorHeapMb(memory)}`]);
      }
    }
  });
});
