import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_CONFIG } from '../../config/defaults';
import { MAX_CONFIG_DEPTH } from '../../config/config-file';
import { PINNED_IMAGE_RULE } from '../../config/image-reference';
import { ENV_SETTINGS, loadConfig } from '../../config/load';
import { ConfigError } from '../../config/validate';
import { HOST_PORT_RULE } from '../../lib/host-port';

const emptyDir = (): string => mkdtempSync(join(tmpdir(), 'lab-config-'));

/** A directory holding lab.config.json with exactly this text (not JSON.stringify: it drops "__proto__" keys and cannot write 1e400). */
function dirWithFile(text: string): string {
  const dir = emptyDir();
  writeFileSync(join(dir, 'lab.config.json'), text);
  return dir;
}

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

  it('lets anonymous visitors view Grafana by default on loopback only, and off when asked', () => {
    expect(loadConfig({}, emptyDir()).grafana.anonymousViewing).toBe(true);
    expect(loadConfig({ LAB_BIND_ADDRESS: '127.0.0.2' }, emptyDir()).grafana.anonymousViewing).toBe(true);
    expect(loadConfig({ LAB_BIND_ADDRESS: '192.168.56.10' }, emptyDir()).grafana.anonymousViewing).toBe(false);
    expect(loadConfig({ LAB_GRAFANA_ANONYMOUS_VIEWING: 'false' }, emptyDir()).grafana.anonymousViewing).toBe(false);
    // The default object is shared: turning viewing off for one configuration must not change it.
    expect(DEFAULT_CONFIG.grafana.anonymousViewing).toBe(true);
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

const EXTERNAL = { LAB_KAFKA_MODE: 'external', LAB_KAFKA_SECURITY_PROTOCOL: 'SASL_SSL', LAB_KAFKA_SASL_MECHANISM: 'PLAIN' };

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
    ['memory too small', { LAB_MEMORY_ELASTICSEARCH: '32' }, 'memoryMb.elasticsearch (from env LAB_MEMORY_ELASTICSEARCH): got 32; allowed: an integer from 128 to 65536 (at least 128 MiB for elasticsearch:'],
    ['fractional rate', { LAB_RATE_RATINGS: '2.5' }, 'rates.ratings (from env LAB_RATE_RATINGS): got 2.5; allowed: an integer from 0 to 100000'],
    ['anonymous Grafana on a LAN address', { LAB_BIND_ADDRESS: '192.168.56.10', LAB_GRAFANA_ANONYMOUS_VIEWING: 'true' }, "grafana.anonymousViewing (from env LAB_GRAFANA_ANONYMOUS_VIEWING): got true; allowed: false when bindAddress (192.168.56.10) is not a loopback address"],
    ['non-boolean anonymous viewing', { LAB_GRAFANA_ANONYMOUS_VIEWING: 'yes' }, "grafana.anonymousViewing (from env LAB_GRAFANA_ANONYMOUS_VIEWING): got 'yes'; allowed: true or false"],
    ['bind address not an IP', { LAB_BIND_ADDRESS: 'localhost' }, "bindAddress (from env LAB_BIND_ADDRESS): got 'localhost'; allowed: an IPv4 address"],
    ['bind address with leading zeros', { LAB_BIND_ADDRESS: '127.000.0.1' }, "bindAddress (from env LAB_BIND_ADDRESS): got '127.000.0.1'; allowed: an IPv4 address such as 127.0.0.1, without leading zeros, not multicast (224.0.0.0/4) or broadcast (255.255.255.255); 0.0.0.0 publishes every port on all interfaces (not a dotted-quad IPv4 address)"],
    ['bind address with a leading zero', { LAB_BIND_ADDRESS: '127.0.0.01' }, "bindAddress (from env LAB_BIND_ADDRESS): got '127.0.0.01'; allowed: an IPv4 address such as 127.0.0.1, without leading zeros"],
    ['multicast bind address', { LAB_BIND_ADDRESS: '224.0.0.1' }, "bindAddress (from env LAB_BIND_ADDRESS): got '224.0.0.1'; allowed: an IPv4 address such as 127.0.0.1, without leading zeros, not multicast (224.0.0.0/4) or broadcast (255.255.255.255); 0.0.0.0 publishes every port on all interfaces (a multicast address)"],
    ['top of the multicast range', { LAB_BIND_ADDRESS: '239.255.255.250' }, '(a multicast address)'],
    ['broadcast bind address', { LAB_BIND_ADDRESS: '255.255.255.255' }, "bindAddress (from env LAB_BIND_ADDRESS): got '255.255.255.255'; allowed: an IPv4 address such as 127.0.0.1, without leading zeros, not multicast (224.0.0.0/4) or broadcast (255.255.255.255); 0.0.0.0 publishes every port on all interfaces (the broadcast address)"],
    ['broker ports past 65535', { LAB_KAFKA_BROKERS: '3', LAB_PORT_KAFKA: '65534' }, 'ports.kafka (from env LAB_PORT_KAFKA): got 65534; allowed: an integer from 1024 to 65533 (kafka.brokers is 3: the brokers take ports.kafka to ports.kafka + 2)'],
    ['image tag LATEST', { LAB_IMAGE_GRAFANA: 'grafana/grafana:LATEST' }, `images.grafana (from env LAB_IMAGE_GRAFANA): got 'grafana/grafana:LATEST'; allowed: ${PINNED_IMAGE_RULE}`],
    ['image tag Latest', { LAB_IMAGE_KAFKA: 'apache/kafka:Latest' }, `images.kafka (from env LAB_IMAGE_KAFKA): got 'apache/kafka:Latest'; allowed: ${PINNED_IMAGE_RULE}`],
    ['image with an empty path component', { LAB_IMAGE_GRAFANA: 'grafana//grafana:11.3.1' }, "images.grafana (from env LAB_IMAGE_GRAFANA): got 'grafana//grafana:11.3.1'; allowed: an image with a pinned tag or digest"],
    ['image with two tags', { LAB_IMAGE_GRAFANA: 'grafana/grafana:11.3:1' }, "images.grafana (from env LAB_IMAGE_GRAFANA): got 'grafana/grafana:11.3:1'; allowed: an image with a pinned tag or digest"],
    ['image with an upper-case repository', { LAB_IMAGE_GRAFANA: 'Grafana/grafana:11.3.1' }, "images.grafana (from env LAB_IMAGE_GRAFANA): got 'Grafana/grafana:11.3.1'; allowed: an image with a pinned tag or digest"],
    ['image with doubled separators', { LAB_IMAGE_GRAFANA: 'grafana/grafana..x:11.3.1' }, "images.grafana (from env LAB_IMAGE_GRAFANA): got 'grafana/grafana..x:11.3.1'; allowed: an image with a pinned tag or digest"],
    ['image tag starting with a dot', { LAB_IMAGE_GRAFANA: 'grafana/grafana:.1' }, "images.grafana (from env LAB_IMAGE_GRAFANA): got 'grafana/grafana:.1'; allowed: an image with a pinned tag or digest"],
    ['image tag of 129 characters', { LAB_IMAGE_GRAFANA: `grafana/grafana:${'1'.repeat(129)}` }, 'images.grafana (from env LAB_IMAGE_GRAFANA): got \'grafana/grafana:111'],
    ['image digest too short', { LAB_IMAGE_GRAFANA: 'grafana/grafana@sha256:abc' }, "images.grafana (from env LAB_IMAGE_GRAFANA): got 'grafana/grafana@sha256:abc'; allowed: an image with a pinned tag or digest"],
    ['image registry port not a number', { LAB_IMAGE_GRAFANA: 'registry.local:x/grafana:11.3.1' }, "images.grafana (from env LAB_IMAGE_GRAFANA): got 'registry.local:x/grafana:11.3.1'; allowed: an image with a pinned tag or digest"],
    ['bootstrap host starting with -', { ...EXTERNAL, LAB_KAFKA_BOOTSTRAP_SERVERS: 'b1:9092,-b2:9092' }, `kafka.external.bootstrapServers (from env LAB_KAFKA_BOOTSTRAP_SERVERS): got 'b1:9092,-b2:9092'; allowed: a comma-separated list of ${HOST_PORT_RULE} ('-b2:9092' has a host starting with '-')`],
    ['bootstrap port above 65535', { ...EXTERNAL, LAB_KAFKA_BOOTSTRAP_SERVERS: 'b1:90920' }, `kafka.external.bootstrapServers (from env LAB_KAFKA_BOOTSTRAP_SERVERS): got 'b1:90920'; allowed: a comma-separated list of ${HOST_PORT_RULE} ('b1:90920' has port 90920, outside 1-65535)`],
    ['bootstrap list with an empty entry', { ...EXTERNAL, LAB_KAFKA_BOOTSTRAP_SERVERS: 'b1:9092,' }, "('' is not host:port)"],
    ['number too large for a double', { LAB_RATE_RATINGS: `1${'0'.repeat(400)}` }, 'rates.ratings (from env LAB_RATE_RATINGS): got a number out of range (Infinity); allowed: an integer from 0 to 100000'],
    ['project name with capitals', { LAB_PROJECT: 'MyLab' }, "project (from env LAB_PROJECT): got 'MyLab'; allowed: lower-case letters"],
    ['missing config file', { LAB_CONFIG: 'nope.json' }, "file nope.json: '"],
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
    expect(loadError({}, dir).message).toContain("file lab.config.json ('");
  });

  it('reports every problem at once', () => {
    const error = loadError({ LAB_KAFKA_BROKERS: '2', LAB_PORT_GRAFANA: '80' });
    expect(error.problems).toHaveLength(2);
    expect(error.message).toMatch(/^Invalid lab configuration \(2 problems\)/);
  });

  it('reports a "__proto__" key of the file as unknown, at the top and in a section', () => {
    const top = loadError({}, dirWithFile('{ "__proto__": { "project": "sneaky" } }'));
    expect(top.message).toContain("__proto__ (from file lab.config.json): got '__proto__'; allowed: one of the keys project, pipelines");
    const nested = loadError({}, dirWithFile('{ "ports": { "__proto__": { "grafana": 3001 } } }'));
    expect(nested.message).toContain("ports.__proto__ (from file lab.config.json): got '__proto__'; allowed: one of the keys kafka, schemaRegistry");
  });

  it('reports "constructor" and "toString" keys as unknown too', () => {
    const error = loadError({}, dirWithFile('{ "constructor": 1, "kafka": { "toString": "x" } }'));
    expect(error.message).toContain("constructor (from file lab.config.json): got 'constructor'; allowed: one of the keys");
    expect(error.message).toContain("kafka.toString (from file lab.config.json): got 'toString'; allowed: one of the keys mode, brokers");
  });

  it('refuses a file nested too deep with a ConfigError, not a stack overflow', () => {
    // Deep enough to overflow a recursive walk, small enough (900 kB) to stay under the file size limit.
    const depth = 150_000;
    const error = loadError({}, dirWithFile(`{ "kafka": ${'{"a":'.repeat(depth)}1${'}'.repeat(depth)} }`));
    expect(error.message).toContain(`file lab.config.json: got objects or arrays nested more than ${MAX_CONFIG_DEPTH} levels deep; allowed: at most ${MAX_CONFIG_DEPTH}`);
  });

  it('counts no brackets inside strings towards the depth', () => {
    // Twenty brackets in a string: the project name is wrong, the nesting is not.
    const error = loadError({}, dirWithFile(`{ "project": "${'{['.repeat(10)}\\"" }`));
    expect(error.problems).toEqual([`project (from file lab.config.json): got '${'{['.repeat(10)}"'; allowed: lower-case letters, digits and "-", starting with a letter, at most 20 characters`]);
  });

  it('reports 1e400 in the file as out of range, naming the setting, not as null', () => {
    const error = loadError({}, dirWithFile('{ "ports": { "grafana": 1e400 }, "rates": { "ratings": -1e400 } }'));
    expect(error.message).toContain('ports.grafana (from file lab.config.json): got a number out of range (Infinity); allowed: an integer from 1024 to 65535');
    expect(error.message).toContain('rates.ratings (from file lab.config.json): got a number out of range (-Infinity); allowed: an integer from 0 to 100000');
    expect(error.message).not.toContain('null');
  });
});

describe('values at the edge of what is allowed', () => {
  it.each([
    ['three brokers up to port 65535', { LAB_KAFKA_BROKERS: '3', LAB_PORT_KAFKA: '65533' }],
    ['bind address 0.0.0.0', { LAB_BIND_ADDRESS: '0.0.0.0' }],
    ['bind address just below multicast', { LAB_BIND_ADDRESS: '223.255.255.254' }],
    ['image from a registry with a port, by digest', { LAB_IMAGE_GRAFANA: `registry.example.com:5000/team/grafana@sha256:${'a'.repeat(64)}` }],
    ['image from localhost with tag and digest', { LAB_IMAGE_GRAFANA: `localhost:5000/grafana:11.3.1@sha256:${'0'.repeat(64)}` }],
    ['image with separators and an upper-case tag', { LAB_IMAGE_GRAFANA: 'my_team/graf-ana__x.y:V11_3.1-RC' }],
    ['tag of 128 characters', { LAB_IMAGE_GRAFANA: `grafana/grafana:${'1'.repeat(128)}` }],
    ['bootstrap servers with names, IPv4 and IPv6', { ...EXTERNAL, LAB_KAFKA_BOOTSTRAP_SERVERS: 'b-1.kafka.eu-west-1.amazonaws.com:9096,10.0.0.1:9092,[::1]:9092' }],
  ])('%s is accepted', (_, env) => {
    expect(() => loadConfig(env, emptyDir())).not.toThrow();
  });
});

describe('LAB_* variables that are not settings', () => {
  const warningsFor = (env: NodeJS.ProcessEnv): string[] => {
    const warnings: string[] = [];
    loadConfig(env, emptyDir(), (line) => warnings.push(line));
    return warnings;
  };

  it('are warned about with the closest setting, and the configuration still loads', () => {
    expect(warningsFor({ LAB_KAFKA_BROKER: '3', LAB_RATE_SERVERLOGS: '9', LAB_PORT_GRAFANA: '3001' })).toEqual([
      'LAB_KAFKA_BROKER is not a setting; did you mean LAB_KAFKA_BROKERS?',
      'LAB_RATE_SERVERLOGS is not a setting; did you mean LAB_RATE_SERVER_LOGS?',
    ]);
  });

  it('far from every setting: named, with where the settings are listed', () => {
    expect(warningsFor({ LAB_SOMETHING_ELSE_ENTIRELY: '1' })).toEqual(['LAB_SOMETHING_ELSE_ENTIRELY is not a setting and is ignored; the LAB_* settings are listed in README.md, "Configuration"']);
  });

  it('no warning for the settings, LAB_CONFIG or other prefixes', () => {
    const dir = emptyDir();
    writeFileSync(join(dir, 'c.json'), '{}');
    const warnings: string[] = [];
    loadConfig({ LAB_CONFIG: 'c.json', ...Object.fromEntries(ENV_SETTINGS.slice(0, 3).map((s) => [s.env, ''])), LABEL: 'x', MY_LAB_X: '1' }, dir, (line) => warnings.push(line));
    expect(warnings).toEqual([]);
  });

  it('go to stderr by default', () => {
    const write = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      loadConfig({ LAB_PIPELINE: 'ratings' }, emptyDir());
      expect(write).toHaveBeenCalledWith('lab configuration: warning: LAB_PIPELINE is not a setting; did you mean LAB_PIPELINES?\n');
    } finally {
      write.mockRestore();
    }
  });
});
