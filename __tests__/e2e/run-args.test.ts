/** The rehearsal's command line and the environment it deploys with. */
import { deployEnv, HELP, parseArgs, serviceKinds } from '../../e2e/run';
import { servicesTable } from '../../e2e/summary';
import { LOCAL_IMAGES } from '../../e2e/local-images';
import { parseMemory } from '../../e2e/stats';
import { loadConfig } from '../../config/load';

describe('parseArgs', () => {
  it('takes the flags, with defaults', () => {
    expect(parseArgs([])).toEqual({ localImages: false, externalKafka: false, keep: false, timeoutMin: 15, statsSeconds: 0, directStart: false });
    expect(parseArgs(['--local-images', '--keep', '--timeout-min', '30', '--stats', '60'])).toEqual({ localImages: true, externalKafka: false, keep: true, timeoutMin: 30, statsSeconds: 60, directStart: false });
    expect(parseArgs(['--direct-start'])).toMatchObject({ directStart: true });
    expect(parseArgs(['--external-kafka'])).toMatchObject({ externalKafka: true, keep: false });
    expect(parseArgs(['--help'])).toBe('help');
  });
  it("takes the access mode, and leaves it to the configuration when not given", () => {
    expect(parseArgs(['--access', 'authenticated', '--local-images'])).toMatchObject({ access: 'authenticated', localImages: true });
    expect(parseArgs(['--access', 'open'])).toMatchObject({ access: 'open' });
    expect(parseArgs([])).not.toHaveProperty('access');
  });
  it('takes every flag the help names, with the value it shows', () => {
    const usage = HELP.split('\n')[0];
    const flags = [...usage.matchAll(/\[(--[a-z-]+)(?: ([^\]]+))?\]/g)].map(([, flag, value]) => [flag, ...(value ? [value.split('|')[1] ?? '30'] : [])]);
    expect(flags.map(([flag]) => flag)).toEqual(['--access', '--local-images', '--external-kafka', '--keep', '--timeout-min', '--stats', '--direct-start']);
    for (const args of flags) expect(() => parseArgs(args)).not.toThrow();
    for (const [flag] of flags) expect(HELP).toContain(`\n  ${flag} `);
  });
  it('refuses what it does not know, naming it', () => {
    expect(() => parseArgs(['--local'])).toThrow('unknown argument --local; see npm run e2e -- --help');
    expect(() => parseArgs(['--timeout-min', 'soon'])).toThrow('--timeout-min takes a positive number of minutes (got soon)');
    expect(() => parseArgs(['--stats', '5'])).toThrow('--stats takes a whole number of seconds, at least 10 (got 5)');
    expect(() => parseArgs(['--access', 'closed'])).toThrow('--access takes open or authenticated (got closed)');
    expect(() => parseArgs(['--access'])).toThrow('--access takes open or authenticated (got nothing)');
    expect(() => parseArgs(['--external-kafka', '--keep'])).toThrow('--keep cannot be combined with --external-kafka: the secured broker stops when the rehearsal ends');
  });
});

const NO_FLAGS = { localImages: false, externalKafka: false, keep: false, timeoutMin: 1, statsSeconds: 0, directStart: false };

describe('deployEnv', () => {
  it('deploys as project e2e unless told otherwise, so a lab of your own is not touched', () => {
    expect(deployEnv({}, NO_FLAGS).LAB_PROJECT).toBe('e2e');
    expect(deployEnv({ LAB_PROJECT: 'mine' }, NO_FLAGS).LAB_PROJECT).toBe('mine');
  });
  it('deploys with the access mode asked for, and otherwise with the one the environment gives', () => {
    expect(deployEnv({}, { ...NO_FLAGS, access: 'authenticated' }).LAB_ACCESS).toBe('authenticated');
    expect(deployEnv({ LAB_ACCESS: 'authenticated' }, { ...NO_FLAGS, access: 'open' }).LAB_ACCESS).toBe('open');
    expect(deployEnv({ LAB_ACCESS: 'authenticated' }, NO_FLAGS).LAB_ACCESS).toBe('authenticated');
    expect(deployEnv({}, NO_FLAGS)).not.toHaveProperty('LAB_ACCESS');
    expect(loadConfig(deployEnv({}, { ...NO_FLAGS, access: 'authenticated' }), '/nonexistent').access).toBe('authenticated');
  });
  it("deploys with the external cluster's settings, which the configuration reads as external mode with a prefix", () => {
    const cluster = { LAB_KAFKA_MODE: 'external', LAB_KAFKA_BOOTSTRAP_SERVERS: '172.17.0.1:9096', LAB_KAFKA_SECURITY_PROTOCOL: 'SASL_SSL', LAB_KAFKA_SASL_MECHANISM: 'SCRAM-SHA-512', LAB_KAFKA_TOPIC_PREFIX: 'e2e.' };
    const config = loadConfig(deployEnv({}, { ...NO_FLAGS, externalKafka: true }, cluster), '/nonexistent');
    expect(config.kafka).toMatchObject({ mode: 'external', topicPrefix: 'e2e.', external: { bootstrapServers: '172.17.0.1:9096', securityProtocol: 'SASL_SSL' } });
  });
  it('with --local-images, every image setting names its local image, and the configuration accepts them', () => {
    const env = deployEnv({}, { ...NO_FLAGS, localImages: true });
    const config = loadConfig(env, '/nonexistent');
    for (const [name, local] of Object.entries(LOCAL_IMAGES)) expect(config.images[name as keyof typeof config.images]).toBe(local.image);
  });
});

describe('the services table of a --local-images rehearsal', () => {
  const options = { ...NO_FLAGS, localImages: true };
  const rows = servicesTable(serviceKinds(loadConfig(deployEnv({}, options), '/nonexistent'), options)).split('\n');

  it('runs the real search engine in Elasticsearch\'s place, and says so', () => {
    expect(rows.find((r) => r.startsWith('elasticsearch '))?.split(/\s{2,}/)).toEqual([
      'elasticsearch',
      'real software',
      'lab-local/opensearch-node:2.19.6',
      'real search engine: OpenSearch 2.19.6 standing in for Elasticsearch 8.19.26',
    ]);
  });

  it('still names each stand-in as one', () => {
    expect(rows.filter((r) => r.includes('STAND-IN')).map((r) => r.split(/\s+/)[0])).toEqual(['kibana', 'grafana', 'pinot', 'kafkaUi']);
  });
});

describe('parseMemory', () => {
  it('reads docker stats memory usage in MiB', () => {
    expect(parseMemory('12.5MiB / 128MiB')).toBe(12.5);
    expect(parseMemory('1.5GiB / 8GiB')).toBe(1536);
    expect(parseMemory('512KiB / 1GiB')).toBe(0.5);
    expect(parseMemory('n/a')).toBeNaN();
  });
});
