import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_CONFIG } from '../../config/defaults';
import { ENV_SETTINGS, loadConfig } from '../../config/load';
import { ConfigError } from '../../config/validate';

const emptyDir = (): string => mkdtempSync(join(tmpdir(), 'lab-config-'));

function loadError(env: NodeJS.ProcessEnv, cwd = emptyDir()): ConfigError {
  try {
    loadConfig(env, cwd);
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('returns the defaults with no file and no environment', () => {
    expect(loadConfig({}, emptyDir())).toEqual(DEFAULT_CONFIG);
  });

  it('applies environment variables', () => {
    const config = loadConfig({ LAB_PIPELINES: 'ratings, shop', LAB_KAFKA_BROKERS: '3', LAB_PORT_GRAFANA: '3300', LAB_MEMORY_KSQLDB: '2048', LAB_RATE_SERVER_LOGS: '50' }, emptyDir());
    expect(config.pipelines).toEqual(['ratings', 'shop']);
    expect(config.kafka.brokers).toBe(3);
    expect(config.ports.grafana).toBe(3300);
    expect(config.memoryMb.ksqldb).toBe(2048);
    expect(config.rates.server_logs).toBe(50);
    expect(config.ports.kafkaUi).toBe(DEFAULT_CONFIG.ports.kafkaUi);
  });

  it('reads lab.config.json, and the environment wins over the file', () => {
    const dir = emptyDir();
    writeFileSync(join(dir, 'lab.config.json'), JSON.stringify({ project: 'demo', ports: { grafana: 3001 }, pipelines: ['moodle'] }));
    const config = loadConfig({ LAB_PORT_GRAFANA: '3002' }, dir);
    expect(config.project).toBe('demo');
    expect(config.pipelines).toEqual(['moodle']);
    expect(config.ports.grafana).toBe(3002);
  });

  it('reads the file named by LAB_CONFIG', () => {
    const dir = emptyDir();
    writeFileSync(join(dir, 'other.json'), JSON.stringify({ kafka: { mode: 'external', external: { bootstrapServers: 'b1:9092,b2:9092', securityProtocol: 'SASL_SSL', saslMechanism: 'SCRAM-SHA-512' } } }));
    const config = loadConfig({ LAB_CONFIG: 'other.json' }, dir);
    expect(config.kafka.mode).toBe('external');
    expect(config.kafka.external?.saslMechanism).toBe('SCRAM-SHA-512');
  });

  it('keeps pulled images on destroy unless LAB_REMOVE_PULLED_IMAGES=true', () => {
    expect(loadConfig({}, emptyDir()).removePulledImages).toBe(false);
    expect(loadConfig({ LAB_REMOVE_PULLED_IMAGES: 'true' }, emptyDir()).removePulledImages).toBe(true);
    expect(loadConfig({ LAB_REMOVE_PULLED_IMAGES: 'false' }, emptyDir()).removePulledImages).toBe(false);
  });

  it('"all" selects every pipeline', () => {
    expect(loadConfig({ LAB_PIPELINES: 'all' }, emptyDir()).pipelines).toEqual(DEFAULT_CONFIG.pipelines);
  });

  it('has one environment variable per setting, each distinct', () => {
    const names = ENV_SETTINGS.map((s) => s.env);
    expect(new Set(names).size).toBe(names.length);
    expect(names).toEqual(expect.arrayContaining(['LAB_PORT_SCHEMA_REGISTRY', 'LAB_IMAGE_KAFKA_UI', 'LAB_MEMORY_PAYMENTS_API', 'LAB_RATE_CLICKSTREAM_USERS']));
  });
});

describe('invalid configuration fails with the setting, the value and what is allowed', () => {
  const cases: Array<[string, NodeJS.ProcessEnv, string]> = [
    ['unknown pipeline', { LAB_PIPELINES: 'ratings,weather' }, "pipelines[1] (from env LAB_PIPELINES): got 'weather'; allowed: 'server-logs', 'ratings', 'bank-transactions', 'clickstream', 'moodle', 'shop', 'payments'"],
    ['no pipeline', { LAB_PIPELINES: ',' }, 'pipelines (from env LAB_PIPELINES): got []; allowed: at least one of'],
    ['duplicate pipeline', { LAB_PIPELINES: 'shop,shop' }, 'allowed: each pipeline at most once'],
    ['two brokers', { LAB_KAFKA_BROKERS: '2' }, 'kafka.brokers (from env LAB_KAFKA_BROKERS): got 2; allowed: 1, 3'],
    ['non-numeric broker count', { LAB_KAFKA_BROKERS: 'three' }, "kafka.brokers (from env LAB_KAFKA_BROKERS): got 'three'; allowed: 1, 3"],
    ['unknown kafka mode', { LAB_KAFKA_MODE: 'cloud' }, "kafka.mode (from env LAB_KAFKA_MODE): got 'cloud'; allowed: 'local', 'external'"],
    ['external mode without a cluster', { LAB_KAFKA_MODE: 'external' }, 'kafka.external: got undefined; allowed: an object with bootstrapServers'],
    ['bad bootstrap list', { LAB_KAFKA_MODE: 'external', LAB_KAFKA_BOOTSTRAP_SERVERS: 'broker-without-port', LAB_KAFKA_SECURITY_PROTOCOL: 'SASL_SSL', LAB_KAFKA_SASL_MECHANISM: 'PLAIN' }, "kafka.external.bootstrapServers (from env LAB_KAFKA_BOOTSTRAP_SERVERS): got 'broker-without-port'; allowed: a comma-separated list of host:port"],
    ['unknown SASL mechanism', { LAB_KAFKA_MODE: 'external', LAB_KAFKA_BOOTSTRAP_SERVERS: 'b:9092', LAB_KAFKA_SECURITY_PROTOCOL: 'SASL_SSL', LAB_KAFKA_SASL_MECHANISM: 'GSSAPI' }, "kafka.external.saslMechanism (from env LAB_KAFKA_SASL_MECHANISM): got 'GSSAPI'; allowed: 'PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'"],
    ['non-boolean image removal', { LAB_REMOVE_PULLED_IMAGES: 'yes' }, "removePulledImages (from env LAB_REMOVE_PULLED_IMAGES): got 'yes'; allowed: true or false"],
    ['privileged port', { LAB_PORT_GRAFANA: '80' }, 'ports.grafana (from env LAB_PORT_GRAFANA): got 80; allowed: an integer from 1024 to 65535'],
    ['port used twice', { LAB_PORT_KIBANA: '3000' }, 'ports.kibana (from env LAB_PORT_KIBANA): got 3000; allowed: a port not used by ports.grafana'],
    ['second broker port collides', { LAB_KAFKA_BROKERS: '3', LAB_PORT_SCHEMA_REGISTRY: '9093' }, 'ports.schemaRegistry (from env LAB_PORT_SCHEMA_REGISTRY): got 9093; allowed: a port not used by ports.kafka'],
    ['image tag latest', { LAB_IMAGE_GRAFANA: 'grafana/grafana:latest' }, "images.grafana (from env LAB_IMAGE_GRAFANA): got 'grafana/grafana:latest'; allowed: an image with a pinned tag or digest"],
    ['image without tag', { LAB_IMAGE_KSQLDB: 'confluentinc/cp-ksqldb-server' }, "images.ksqldb (from env LAB_IMAGE_KSQLDB): got 'confluentinc/cp-ksqldb-server'; allowed: an image with a pinned tag or digest"],
    ['memory too small', { LAB_MEMORY_ELASTICSEARCH: '32' }, 'memoryMb.elasticsearch (from env LAB_MEMORY_ELASTICSEARCH): got 32; allowed: an integer from 64 to 65536'],
    ['fractional rate', { LAB_RATE_RATINGS: '2.5' }, 'rates.ratings (from env LAB_RATE_RATINGS): got 2.5; allowed: an integer from 0 to 100000'],
    ['bind address not an IP', { LAB_BIND_ADDRESS: 'localhost' }, "bindAddress (from env LAB_BIND_ADDRESS): got 'localhost'; allowed: an IPv4 address"],
    ['project name with capitals', { LAB_PROJECT: 'MyLab' }, "project (from env LAB_PROJECT): got 'MyLab'; allowed: lower-case letters"],
    ['missing config file', { LAB_CONFIG: 'nope.json' }, "LAB_CONFIG: cannot read '"],
  ];

  it.each(cases)('%s', (_, env, message) => {
    expect(loadError(env).message).toContain(message);
  });

  it('rejects an unknown key in the config file, naming the file', () => {
    const dir = emptyDir();
    writeFileSync(join(dir, 'lab.config.json'), JSON.stringify({ port: { grafana: 1 } }));
    expect(loadError({}, dir).message).toContain("port (from file lab.config.json): got 'port'; allowed: one of the keys project, pipelines");
  });

  it('rejects a config file that is not JSON', () => {
    const dir = emptyDir();
    writeFileSync(join(dir, 'lab.config.json'), '{ pipelines: [');
    expect(loadError({}, dir).message).toContain("config file '");
  });

  it('reports every problem at once', () => {
    const error = loadError({ LAB_KAFKA_BROKERS: '2', LAB_PORT_GRAFANA: '80' });
    expect(error.problems).toHaveLength(2);
    expect(error.message).toMatch(/^Invalid lab configuration \(2 problems\)/);
  });
});
