import { HOST_PORT_RULE, hostPortProblem } from '../lib/host-port';
import { DATASET_NAMES } from '../pipelines/datasets';
import { isLoopbackAddress } from '../lib/loopback';
import { ProblemListError } from '../lib/problem-list-error';
import { shorten } from '../lib/shorten';
import { PIPELINE_NAMES } from '../pipelines/catalog';
import { DEFAULT_CONFIG } from './defaults';
import { CA_CERT_RULE, readCaCert } from './ca-cert';
import { isPinnedImage, PINNED_IMAGE_RULE } from './image-reference';
import { MEMORY_MINIMUMS } from './memory-minimums';
import { TOPIC_PREFIX_PATTERN, TOPIC_PREFIX_RULE } from '../lib/topic-prefix';
import {
  ACCESS_MODES,
  BROKER_COUNTS,
  IMAGE_NAMES,
  KAFKA_MODES,
  PORT_NAMES,
  SASL_MECHANISMS,
  SECURITY_PROTOCOLS,
  SERVICE_NAMES,
  type LabConfig,
} from './types';

/** Invalid configuration: every problem, each naming the setting, the bad value and what is allowed. */
export class ConfigError extends ProblemListError {
  constructor(readonly problems: readonly string[]) {
    super('Invalid lab configuration', problems.map((p) => `- ${p}`));
    this.name = 'ConfigError';
  }
}

type Raw = Record<string, unknown>;

const isRecord = (v: unknown): v is Raw => typeof v === 'object' && v !== null && !Array.isArray(v);
/** JSON has no Infinity: a number too large for a double (1e400) parses as one, and JSON.stringify would call it null. */
const showNumber = (_key: string, v: unknown): unknown => (typeof v === 'number' && !Number.isFinite(v) ? `${v}` : v);
/** A value as a message echoes it, cut short (lib/shorten.ts). */
const show = (v: unknown): string => {
  if (typeof v === 'string') return `'${shorten(v)}'`;
  if (typeof v === 'number' && !Number.isFinite(v)) return `a number out of range (${v})`;
  // undefined has no JSON form; it reads as itself.
  return shorten(JSON.stringify(v, showNumber) ?? String(v));
};

/** Collects problems while checking one raw configuration object. */
class Checker {
  readonly problems: string[] = [];

  constructor(private readonly sources: ReadonlyMap<string, string>) {}

  /** `shown`: the setting as the message names it, when its full name is too long to echo. */
  fail(setting: string, value: unknown, allowed: string, shown: string = setting): void {
    const source = this.sourceOf(setting);
    this.problems.push(`${shown}${source ? ` (from ${source})` : ''}: got ${show(value)}; allowed: ${allowed}`);
  }

  /** Where a setting came from: its own entry, or the nearest section that was set as a whole. */
  private sourceOf(setting: string): string | undefined {
    for (let path = setting.replace(/\[\d+\]$/, ''); path; path = path.slice(0, Math.max(0, path.lastIndexOf('.')))) {
      const source = this.sources.get(path);
      if (source) return source;
    }
    return undefined;
  }

  isSet(setting: string): boolean {
    return this.sources.has(setting);
  }

  /** Whether `value` is one of `allowed`; records the problem when it is not. */
  oneOf<T>(setting: string, value: unknown, allowed: readonly T[]): boolean {
    if (allowed.includes(value as T)) return true;
    this.fail(setting, value, allowed.map((a) => show(a)).join(', '));
    return false;
  }

  /** `why` explains a bound that depends on another setting. */
  integer(setting: string, value: unknown, min: number, max: number, why = ''): void {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      this.fail(setting, value, `an integer from ${min} to ${max}${why}`);
    }
  }

  /** `problem` says what is wrong with the value, or undefined when it is right. */
  check(setting: string, value: unknown, problem: string | undefined, allowed: string): void {
    if (problem !== undefined) this.fail(setting, value, `${allowed} (${problem})`);
  }

  pattern(setting: string, value: unknown, re: RegExp, allowed: string): void {
    if (typeof value !== 'string' || !re.test(value)) this.fail(setting, value, allowed);
  }

  /** Keys of a section must be known: a typo must not be ignored silently. */
  knownKeys(section: string, value: unknown, allowed: readonly string[]): value is Raw {
    if (!isRecord(value)) {
      this.fail(section, value, `an object with keys ${allowed.join(', ')}`);
      return false;
    }
    for (const key of Object.keys(value)) {
      if (allowed.includes(key)) continue;
      const prefix = section === TOP ? '' : `${section}.`;
      this.fail(`${prefix}${key}`, key, `one of the keys ${allowed.join(', ')}`, `${prefix}${shorten(key)}`);
    }
    return true;
  }
}

/** Name of the whole configuration in messages about its top-level keys. */
const TOP = 'config';

/** Dotted quad without leading zeros: some parsers read "010" as octal, so 127.000.0.1 is ambiguous. */
const OCTET = '(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)';
const IPV4 = new RegExp(`^${OCTET}(\\.${OCTET}){3}$`);
const BIND_ADDRESS_RULE =
  'an IPv4 address such as 127.0.0.1, without leading zeros, not multicast (224.0.0.0/4) or broadcast (255.255.255.255); 0.0.0.0 publishes every port on all interfaces';

/** Why no port can be published on `value`, or undefined when one can. */
function bindAddressProblem(value: unknown): string | undefined {
  if (typeof value !== 'string' || !IPV4.test(value)) return 'not a dotted-quad IPv4 address';
  const first = Number(value.split('.')[0]);
  if (first >= 224 && first <= 239) return 'a multicast address';
  if (value === '255.255.255.255') return 'the broadcast address';
  return undefined;
}

/** Why `value` is not a host:port list, naming the first bad entry, or undefined. */
function hostPortListProblem(value: unknown): string | undefined {
  if (typeof value !== 'string') return 'not a string';
  for (const entry of value.split(',')) {
    const problem = hostPortProblem(entry);
    if (problem) return `'${shorten(entry)}' ${problem}`;
  }
  return undefined;
}

const EXTERNAL_KEYS = ['bootstrapServers', 'securityProtocol', 'saslMechanism', 'caCert', 'manageAcls', 'replicationFactor'];

/**
 * Checks kafka.external; `topicPrefix` is the validated kafka.topicPrefix, or undefined when it is
 * bad. Returns the CA certificates' PEM when caCert is set and readable.
 */
function checkExternal(c: Checker, ext: Raw, topicPrefix: unknown, cwd: string): string | undefined {
  c.check('kafka.external.bootstrapServers', ext.bootstrapServers, hostPortListProblem(ext.bootstrapServers), `a comma-separated list of ${HOST_PORT_RULE}`);
  c.oneOf('kafka.external.securityProtocol', ext.securityProtocol, SECURITY_PROTOCOLS);
  c.oneOf('kafka.external.saslMechanism', ext.saslMechanism, SASL_MECHANISMS);
  const tls = typeof ext.securityProtocol === 'string' && ext.securityProtocol.endsWith('SSL');
  let caCert: string | undefined;
  if (ext.caCert !== undefined) {
    if (!tls) c.fail('kafka.external.caCert', ext.caCert, 'no CA certificate unless kafka.external.securityProtocol is SSL or SASL_SSL (plaintext has no TLS to verify)');
    else {
      const read = readCaCert(ext.caCert, cwd);
      if (read.ok) caCert = read.pem;
      else c.check('kafka.external.caCert', ext.caCert, read.problem, CA_CERT_RULE);
    }
  }
  if (ext.replicationFactor !== undefined) c.integer('kafka.external.replicationFactor', ext.replicationFactor, 1, 7);
  if (ext.manageAcls !== undefined && typeof ext.manageAcls !== 'boolean') c.fail('kafka.external.manageAcls', ext.manageAcls, 'true or false');
  if (ext.manageAcls === true) {
    // ACLs name the principal, which the cluster knows only from a SASL login.
    if (typeof ext.securityProtocol === 'string' && !ext.securityProtocol.startsWith('SASL_')) {
      c.fail('kafka.external.manageAcls', ext.manageAcls, 'false unless kafka.external.securityProtocol is SASL_SSL or SASL_PLAINTEXT (the ACLs are granted to the SASL user)');
    }
    // The ACLs grant topics and groups by prefix: an empty one would grant the whole cluster.
    if (topicPrefix === '') c.fail('kafka.external.manageAcls', ext.manageAcls, 'false unless kafka.topicPrefix is set (the ACLs cover the topics and groups that start with it)');
  }
  return caCert;
}

/**
 * Validates a merged configuration and returns it typed; throws ConfigError listing every problem.
 * `sources` maps a setting path (e.g. "kafka.brokers") to where it was set, for the messages; a CA
 * certificate path is read relative to `cwd`, and the returned configuration holds its PEM.
 */
export function validateConfig(raw: unknown, sources: ReadonlyMap<string, string> = new Map(), cwd: string = process.cwd()): LabConfig {
  const c = new Checker(sources);
  const topKeys = Object.keys(DEFAULT_CONFIG);
  if (!c.knownKeys(TOP, raw, topKeys)) throw new ConfigError(c.problems);

  c.pattern('project', raw.project, /^[a-z][a-z0-9-]{0,19}$/, 'lower-case letters, digits and "-", starting with a letter, at most 20 characters');
  c.check('bindAddress', raw.bindAddress, bindAddressProblem(raw.bindAddress), BIND_ADDRESS_RULE);

  if (!Array.isArray(raw.pipelines)) {
    c.fail('pipelines', raw.pipelines, `a list of ${PIPELINE_NAMES.join(', ')}`);
  } else {
    if (raw.pipelines.length === 0) c.fail('pipelines', raw.pipelines, `at least one of ${PIPELINE_NAMES.join(', ')}`);
    raw.pipelines.forEach((p: unknown, i: number) => c.oneOf(`pipelines[${i}]`, p, PIPELINE_NAMES));
    if (new Set(raw.pipelines).size !== raw.pipelines.length) c.fail('pipelines', raw.pipelines, 'each pipeline at most once');
  }

  const kafka = raw.kafka;
  let caCert: string | undefined;
  if (c.knownKeys('kafka', kafka, ['mode', 'brokers', 'external', 'topicPartitions', 'retentionHours', 'topicPrefix'])) {
    c.oneOf('kafka.mode', kafka.mode, KAFKA_MODES);
    c.oneOf('kafka.brokers', kafka.brokers, BROKER_COUNTS);
    c.integer('kafka.topicPartitions', kafka.topicPartitions, 1, 64);
    c.integer('kafka.retentionHours', kafka.retentionHours, 1, 24 * 365);
    c.pattern('kafka.topicPrefix', kafka.topicPrefix, TOPIC_PREFIX_PATTERN, TOPIC_PREFIX_RULE);
    if (kafka.mode === 'external') {
      const ext = kafka.external;
      if (ext === undefined) {
        c.fail('kafka.external', ext, 'an object with bootstrapServers, securityProtocol and saslMechanism when kafka.mode is "external"');
      } else if (c.knownKeys('kafka.external', ext, EXTERNAL_KEYS)) {
        caCert = checkExternal(c, ext, kafka.topicPrefix, cwd);
      }
      if (kafka.brokers !== 1 && kafka.brokers !== undefined) c.fail('kafka.brokers', kafka.brokers, '1 when kafka.mode is "external" (the stack runs no broker then)');
    }
  }

  if (c.knownKeys('ports', raw.ports, PORT_NAMES)) {
    const brokers = isRecord(kafka) && typeof kafka.brokers === 'number' ? kafka.brokers : 1;
    const taken = new Map<number, string>();
    for (const name of PORT_NAMES) {
      const port = raw.ports[name];
      // The kafka port is the first of `brokers` consecutive ports, all of which must exist.
      const span = name === 'kafka' ? brokers : 1;
      c.integer(`ports.${name}`, port, 1024, 65536 - span, span > 1 ? ` (kafka.brokers is ${span}: the brokers take ports.kafka to ports.kafka + ${span - 1})` : '');
      if (typeof port !== 'number') continue;
      for (let p = port; p < port + span; p++) {
        const other = taken.get(p);
        if (other) {
          // Blame the setting the user changed, not the default it collides with.
          const [blamed, kept] = c.isSet(`ports.${other}`) && !c.isSet(`ports.${name}`) ? [other, name] : [name, other];
          c.fail(`ports.${blamed}`, blamed === name ? port : raw.ports[other], `a port not used by ports.${kept}`);
        }
        taken.set(p, name);
      }
    }
  }

  if (c.knownKeys('images', raw.images, IMAGE_NAMES)) {
    for (const name of IMAGE_NAMES) {
      const image = raw.images[name];
      if (typeof image !== 'string' || !isPinnedImage(image)) c.fail(`images.${name}`, image, PINNED_IMAGE_RULE);
    }
  }

  if (c.knownKeys('memoryMb', raw.memoryMb, SERVICE_NAMES)) {
    for (const name of SERVICE_NAMES) {
      const minimum = MEMORY_MINIMUMS[name];
      c.integer(`memoryMb.${name}`, raw.memoryMb[name], minimum.mb, 65536, ` (at least ${minimum.mb} MiB for ${name}: ${minimum.why})`);
    }
  }

  if (c.knownKeys('rates', raw.rates, DATASET_NAMES)) {
    for (const name of DATASET_NAMES) c.integer(`rates.${name}`, raw.rates[name], 0, 100000);
  }

  if (typeof raw.removePulledImages !== 'boolean') c.fail('removePulledImages', raw.removePulledImages, 'true or false');

  const access = accessMode(c, raw.access, raw.bindAddress);
  const grafana = grafanaConfig(c, raw.grafana, raw.bindAddress, access);

  if (c.problems.length > 0) throw new ConfigError(c.problems);
  const config = { ...raw, access, grafana } as unknown as LabConfig;
  if (caCert === undefined || config.kafka.external === undefined) return config;
  return { ...config, kafka: { ...config.kafka, external: { ...config.kafka.external, caCert } } };
}

const onLoopback = (bindAddress: unknown): boolean => typeof bindAddress === 'string' && isLoopbackAddress(bindAddress);

/**
 * `open` is the default only on a loopback bindAddress; on any other the lab is `authenticated`, and
 * asking for `open` there is an error: everyone on that network could read, write and delete.
 */
function accessMode(c: Checker, value: unknown, bindAddress: unknown): unknown {
  if (!c.oneOf('access', value, ACCESS_MODES)) return value;
  if (value === 'authenticated' || onLoopback(bindAddress)) return value;
  if (c.isSet('access')) {
    c.fail(
      'access',
      value,
      `"authenticated" when bindAddress (${shorten(String(bindAddress))}) is not a loopback address (127.x.x.x): "open" would let anyone on that network read, change and delete every topic, connector, statement and index without a password (README, "Security")`,
    );
    return value;
  }
  return 'authenticated';
}

/**
 * Anonymous viewing follows bindAddress unless set: on by default on loopback with open access, off
 * otherwise (with `authenticated` access the person logs in at the proxy, and that login is also
 * Grafana's admin); set to true with a network address it is an error, as anyone on that network
 * could read the lab.
 */
function grafanaConfig(c: Checker, value: unknown, bindAddress: unknown, access: unknown): unknown {
  if (!c.knownKeys('grafana', value, ['anonymousViewing'])) return value;
  const anonymous = value.anonymousViewing;
  if (typeof anonymous !== 'boolean') {
    c.fail('grafana.anonymousViewing', anonymous, 'true or false');
    return value;
  }
  if (!anonymous) return value;
  if (onLoopback(bindAddress) && (access === 'open' || c.isSet('grafana.anonymousViewing'))) return value;
  if (c.isSet('grafana.anonymousViewing')) {
    c.fail('grafana.anonymousViewing', anonymous, `false when bindAddress (${shorten(String(bindAddress))}) is not a loopback address (127.x.x.x): anonymous viewers would be anyone on that network`);
    return value;
  }
  return { ...value, anonymousViewing: false };
}
