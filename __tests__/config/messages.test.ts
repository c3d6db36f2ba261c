import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_CONFIG } from '../../config/defaults';
import { ENV_SETTINGS, loadConfig } from '../../config/load';
import { MEMORY_MINIMUMS } from '../../config/memory-minimums';
import { ConfigError } from '../../config/validate';
import { SERVICE_NAMES } from '../../config/types';
import { HEAP_FRACTION, heapMb } from '../../lib/jvm-heap';
import { shorten } from '../../lib/shorten';

/** Messages that keep their point: echoed values cut short, memory floors named with their reason, one whitespace rule. */

const emptyDir = (): string => mkdtempSync(join(tmpdir(), 'lab-config-messages-'));

function problems(env: NodeJS.ProcessEnv, cwd = emptyDir()): readonly string[] {
  try {
    loadConfig(env, cwd, () => undefined);
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  throw new Error('expected a ConfigError');
}

describe('an echoed bad value is cut short', () => {
  const huge = 'x'.repeat(5_000_000);

  it('in the environment: the first 200 characters and the length, then what is allowed, and every other problem', () => {
    const found = problems({ LAB_BIND_ADDRESS: huge, LAB_KAFKA_BROKERS: '2' });
    expect(found).toEqual([
      `bindAddress (from env LAB_BIND_ADDRESS): got '${'x'.repeat(200)}… (5000000 characters)'; allowed: an IPv4 address such as 127.0.0.1, without leading zeros, not multicast (224.0.0.0/4) or broadcast (255.255.255.255); 0.0.0.0 publishes every port on all interfaces (not a dotted-quad IPv4 address)`,
      'kafka.brokers (from env LAB_KAFKA_BROKERS): got 2; allowed: 1, 3',
    ]);
  });

  it('in the file: a huge key, a huge list and a huge bootstrap entry are cut too', () => {
    const cwd = emptyDir();
    const key = 'k'.repeat(300_000);
    writeFileSync(join(cwd, 'lab.config.json'), JSON.stringify({ [key]: 1, pipelines: Array(50_000).fill('shop') }));
    const found = problems({ LAB_KAFKA_MODE: 'external', LAB_KAFKA_SECURITY_PROTOCOL: 'SASL_SSL', LAB_KAFKA_SASL_MECHANISM: 'PLAIN', LAB_KAFKA_BOOTSTRAP_SERVERS: `${'h'.repeat(100_000)}:1,b:1` }, cwd);
    for (const problem of found) expect(problem.length).toBeLessThan(1_000);
    expect(found.join('\n')).toContain(`${'k'.repeat(200)}… (300000 characters) (from file lab.config.json)`);
    expect(found.join('\n')).toContain('pipelines (from file lab.config.json): got ["shop","shop"');
    expect(found.join('\n')).toContain(`('${'h'.repeat(200)}… (100002 characters)' is not host:port)`);
  });

  it('keeps a surrogate pair whole at the cut', () => {
    expect(shorten(`${'a'.repeat(199)}😀tail`)).toBe(`${'a'.repeat(199)}… (205 characters)`);
  });
});

describe('memory limits below what a service runs in', () => {
  it.each([
    ['kafka', 'LAB_MEMORY_KAFKA', 64, 128, '50%'],
    ['ksqldb', 'LAB_MEMORY_KSQLDB', 64, 117, '55%'],
    ['pinot', 'LAB_MEMORY_PINOT', 100, 107, '60%'],
  ])('%s at %s=%i is refused, naming the minimum and the heap rule', (service, env, mb, minimum, share) => {
    expect(problems({ [env]: String(mb) })).toEqual([
      `memoryMb.${service} (from env ${env}): got ${mb}; allowed: an integer from ${minimum} to 65536 (at least ${minimum} MiB for ${service}: its JVM heap is ${share} of the limit and at least 64 MiB (lib/jvm-heap.ts), so below ${minimum} the heap would leave the JVM less than ${100 - Number(share.slice(0, -1))}% of the limit outside it)`,
    ]);
  });

  it('kibana below 1 GiB and a generator below its measured peak are refused with their reasons', () => {
    expect(problems({ LAB_MEMORY_KIBANA: '768', LAB_MEMORY_GENERATOR: '96' })).toEqual([
      'memoryMb.kibana (from env LAB_MEMORY_KIBANA): got 768; allowed: an integer from 1024 to 65536 (at least 1024 MiB for kibana: Elastic runs Kibana 8 with about 1 GiB; with less it restarts in a loop while it optimizes its bundles at start)',
      'memoryMb.generator (from env LAB_MEMORY_GENERATOR): got 96; allowed: an integer from 128 to 65536 (at least 128 MiB for generator: the generators process peaked at 121 MiB with every dataset at the stack\'s rates and the 64 MiB heap cap of a 128 MiB limit, and at 108 MiB with the payments dataset alone (BENCHMARKS.md, "Generator memory"))',
    ]);
  });

  it('at every minimum the JVM heap keeps its share of the limit, and every default is allowed', () => {
    for (const [service, fraction] of Object.entries(HEAP_FRACTION)) {
      const minimum = MEMORY_MINIMUMS[service as keyof typeof HEAP_FRACTION].mb;
      expect(heapMb(minimum, fraction)).toBeLessThanOrEqual(minimum * fraction);
      expect(heapMb(minimum - 1, fraction)).toBeGreaterThan((minimum - 1) * fraction);
    }
    for (const service of SERVICE_NAMES) expect(DEFAULT_CONFIG.memoryMb[service]).toBeGreaterThanOrEqual(MEMORY_MINIMUMS[service].mb);
    const atMinimum = Object.fromEntries(SERVICE_NAMES.map((service) => [`LAB_MEMORY_${service.replace(/([A-Z])/g, '_$1').toUpperCase()}`, String(MEMORY_MINIMUMS[service].mb)]));
    expect(loadConfig(atMinimum, emptyDir()).memoryMb.kafka).toBe(128);
  });
});

describe('one whitespace rule: every environment value is trimmed', () => {
  it('the bind address, like ports and numbers', () => {
    const config = loadConfig({ LAB_BIND_ADDRESS: ' 127.0.0.2\n', LAB_PORT_GRAFANA: ' 3300 ', LAB_PROJECT: 'demo ', LAB_KAFKA_TOPIC_PREFIX: '\tteam.', LAB_IMAGE_GRAFANA: 'grafana/grafana:13.2.3 ' }, emptyDir());
    expect([config.bindAddress, config.ports.grafana, config.project, config.kafka.topicPrefix, config.images.grafana]).toEqual(['127.0.0.2', 3300, 'demo', 'team.', 'grafana/grafana:13.2.3']);
  });

  it('a value of only whitespace is unset, as an empty one is, for every variable', () => {
    const blank = Object.fromEntries(ENV_SETTINGS.map((setting) => [setting.env, ' \t ']));
    expect(loadConfig(blank, emptyDir())).toEqual(DEFAULT_CONFIG);
  });
});
