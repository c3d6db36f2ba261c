import { lstatSync } from 'node:fs';
import { resolve } from 'node:path';
import { DATASET_NAMES } from '../pipelines/datasets';
import { shorten } from '../lib/shorten';
import { PIPELINE_NAMES } from '../pipelines/catalog';
import { readConfigFile } from './config-file';
import { DEFAULT_CONFIG } from './defaults';
import { closestName } from '../lib/edit-distance';
import { IMAGE_NAMES, PORT_NAMES, SERVICE_NAMES, type LabConfig } from './types';
import { ConfigError, validateConfig } from './validate';

/** The config file read when LAB_CONFIG is not set, if it exists. */
export const DEFAULT_CONFIG_FILE = 'lab.config.json';

type Raw = Record<string, unknown>;
const isRecord = (v: unknown): v is Raw => typeof v === 'object' && v !== null && !Array.isArray(v);

/** camelCase setting name to its environment variable suffix: schemaRegistry -> SCHEMA_REGISTRY. */
export const envSuffix = (name: string): string => name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase();

/** A numeric-looking env value becomes a number; anything else stays a string for the validator to report. */
const numberOrString = (v: string): number | string => (/^-?\d+(\.\d+)?$/.test(v) ? Number(v) : v);

interface EnvSetting {
  readonly env: string;
  readonly path: readonly string[];
  readonly parse: (v: string) => unknown;
}

const str = (v: string): string => v;
/** 'true' / 'false' become booleans; anything else stays a string for the validator to report. */
const bool = (v: string): boolean | string => (v === 'true' ? true : v === 'false' ? false : v);
const list = (v: string): string[] | string => (v === 'all' ? [...PIPELINE_NAMES] : v.split(',').map((s) => s.trim()).filter((s) => s.length > 0));

/** Every environment variable the configuration reads, with the setting it overrides. */
export const ENV_SETTINGS: readonly EnvSetting[] = [
  { env: 'LAB_PROJECT', path: ['project'], parse: str },
  { env: 'LAB_PIPELINES', path: ['pipelines'], parse: list },
  { env: 'LAB_BIND_ADDRESS', path: ['bindAddress'], parse: str },
  { env: 'LAB_ACCESS', path: ['access'], parse: str },
  { env: 'LAB_KAFKA_MODE', path: ['kafka', 'mode'], parse: str },
  { env: 'LAB_KAFKA_BROKERS', path: ['kafka', 'brokers'], parse: numberOrString },
  { env: 'LAB_KAFKA_TOPIC_PARTITIONS', path: ['kafka', 'topicPartitions'], parse: numberOrString },
  { env: 'LAB_KAFKA_RETENTION_HOURS', path: ['kafka', 'retentionHours'], parse: numberOrString },
  { env: 'LAB_KAFKA_BOOTSTRAP_SERVERS', path: ['kafka', 'external', 'bootstrapServers'], parse: str },
  { env: 'LAB_KAFKA_SECURITY_PROTOCOL', path: ['kafka', 'external', 'securityProtocol'], parse: str },
  { env: 'LAB_KAFKA_SASL_MECHANISM', path: ['kafka', 'external', 'saslMechanism'], parse: str },
  { env: 'LAB_KAFKA_CA_CERT', path: ['kafka', 'external', 'caCert'], parse: str },
  { env: 'LAB_KAFKA_REPLICATION_FACTOR', path: ['kafka', 'external', 'replicationFactor'], parse: numberOrString },
  { env: 'LAB_KAFKA_MANAGE_ACLS', path: ['kafka', 'external', 'manageAcls'], parse: bool },
  { env: 'LAB_KAFKA_TOPIC_PREFIX', path: ['kafka', 'topicPrefix'], parse: str },
  { env: 'LAB_REMOVE_PULLED_IMAGES', path: ['removePulledImages'], parse: bool },
  { env: 'LAB_GRAFANA_ANONYMOUS_VIEWING', path: ['grafana', 'anonymousViewing'], parse: bool },
  ...PORT_NAMES.map((n) => ({ env: `LAB_PORT_${envSuffix(n)}`, path: ['ports', n], parse: numberOrString })),
  ...IMAGE_NAMES.map((n) => ({ env: `LAB_IMAGE_${envSuffix(n)}`, path: ['images', n], parse: str })),
  ...SERVICE_NAMES.map((n) => ({ env: `LAB_MEMORY_${envSuffix(n)}`, path: ['memoryMb', n], parse: numberOrString })),
  ...DATASET_NAMES.map((n) => ({ env: `LAB_RATE_${envSuffix(n)}`, path: ['rates', n], parse: numberOrString })),
];

/**
 * Deep merge of plain objects; arrays and scalars replace. Keys are defined, not assigned, and
 * only own keys of `base` are merged into: a "__proto__" key of the file (JSON.parse keeps it as an
 * own key) must stay a key that validation reports, not become the object's prototype.
 */
function merge(base: unknown, override: unknown): unknown {
  if (!isRecord(base) || !isRecord(override)) return override === undefined ? base : override;
  const out: Raw = { ...base };
  for (const [k, v] of Object.entries(override)) {
    const value = merge(Object.hasOwn(base, k) ? base[k] : undefined, v);
    Object.defineProperty(out, k, { value, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

function setPath(target: Raw, path: readonly string[], value: unknown): void {
  let node = target;
  for (const key of path.slice(0, -1)) {
    if (!isRecord(node[key])) node[key] = {};
    node = node[key] as Raw;
  }
  node[path[path.length - 1]] = value;
}

/** Records "file F" as the source of every leaf the file sets. */
function recordSources(value: unknown, prefix: string, source: string, into: Map<string, string>): void {
  if (prefix) into.set(prefix, source);
  if (isRecord(value)) {
    for (const [k, v] of Object.entries(value)) recordSources(v, prefix ? `${prefix}.${k}` : k, source, into);
  }
}

/** Every LAB_* variable the configuration reads. */
const KNOWN_ENV = ['LAB_CONFIG', ...ENV_SETTINGS.map((s) => s.env)];

/**
 * A LAB_* variable that is no setting is most likely a typo, which would silently leave the
 * default in place. A warning, not an error: other tools may use the prefix too.
 */
export function unknownEnvWarnings(env: NodeJS.ProcessEnv): string[] {
  return Object.keys(env)
    .filter((name) => name.startsWith('LAB_') && !KNOWN_ENV.includes(name))
    .sort()
    .map((name) => {
      const closest = closestName(name, KNOWN_ENV);
      return closest
        ? `${shorten(name)} is not a setting; did you mean ${closest}?`
        : `${shorten(name)} is not a setting and is ignored; the LAB_* settings are listed in README.md, "Configuration"`;
    });
}

const warnOnStderr = (line: string): void => {
  process.stderr.write(`lab configuration: warning: ${line}\n`);
};

/**
 * The configuration: defaults, then the config file (LAB_CONFIG, or ./lab.config.json when present),
 * then LAB_* environment variables. Throws ConfigError naming every bad setting.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, cwd: string = process.cwd(), warn: (line: string) => void = warnOnStderr): LabConfig {
  for (const warning of unknownEnvWarnings(env)) warn(warning);
  const sources = new Map<string, string>();
  let merged: unknown = DEFAULT_CONFIG;

  const explicitFile = env.LAB_CONFIG;
  const file = explicitFile ? resolve(cwd, explicitFile) : resolve(cwd, DEFAULT_CONFIG_FILE);
  // lstat, not exists: a dangling or looping lab.config.json symlink exists as an entry; ignoring
  // it would deploy the defaults where the user meant their settings.
  if (explicitFile || lstatSync(file, { throwIfNoEntry: false }) !== undefined) {
    const label = `file ${shorten(explicitFile ?? DEFAULT_CONFIG_FILE)}`;
    const fix = explicitFile
      ? 'set LAB_CONFIG to a readable JSON file, or unset it'
      : `make ${DEFAULT_CONFIG_FILE} a readable JSON file, or remove it to use the defaults`;
    const fromFile = readConfigFile(file, label, fix);
    recordSources(fromFile, '', label, sources);
    if (!isRecord(fromFile)) throw new ConfigError([`${label}: got ${shorten(JSON.stringify(fromFile))}; allowed: a JSON object of settings`]);
    merged = merge(merged, fromFile);
  }

  const fromEnv: Raw = {};
  for (const setting of ENV_SETTINGS) {
    // One rule for every variable: surrounding whitespace (a stray space, a newline from a file) is
    // dropped, and a variable that is empty or only whitespace is unset.
    const value = env[setting.env]?.trim();
    if (value === undefined || value === '') continue;
    setPath(fromEnv, setting.path, setting.parse(value));
    sources.set(setting.path.join('.'), `env ${setting.env}`);
  }
  merged = merge(merged, fromEnv);

  return validateConfig(merged, sources, cwd);
}
