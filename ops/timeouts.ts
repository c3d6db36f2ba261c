/**
 * Every wait of the ops CLIs, in one table: its environment variable, default and meaning. The
 * CLIs read their settings from here, their --help text is generated from here, and a unit test
 * checks the README's "Deploy timeouts" table against it, so the three cannot drift apart.
 *
 * A deploy on a slow machine (first start of the JVM services, a laptop on battery) needs longer
 * waits than the defaults; raising a variable is the fix each timeout error names.
 */

/** The tools that have an ops CLI (`ops/<tool>/cli.ts`). */
export type OpsTool = 'ksql' | 'connect' | 'elasticsearch' | 'kibana' | 'pinot';

export interface TimeoutSetting {
  /** The environment variable; its suffix says the unit (_S seconds, _MS milliseconds). */
  readonly env: string;
  readonly unit: 's' | 'ms';
  readonly default: number;
  /** What the wait is for, in the words of --help and the README. */
  readonly meaning: string;
}

/** The largest value accepted, one day: longer is a typo, and Node's timers cannot wait past 24.8 days. */
const MAX_MS = 86_400_000;

function seconds(env: string, value: number, meaning: string): TimeoutSetting {
  return { env, unit: 's', default: value, meaning };
}

function millis(env: string, value: number, meaning: string): TimeoutSetting {
  return { env, unit: 'ms', default: value, meaning };
}

const PROBE_MEANING = 'delete only: how long the check that the service is still there may take (nothing answering means it is gone and the delete succeeds)';

/**
 * Keys are the option names the appliers take (in milliseconds), so a tool's settings spread
 * straight into its options.
 */
export const TIMEOUTS = {
  ksql: {
    startupTimeoutMs: seconds('KSQL_APPLY_STARTUP_TIMEOUT_S', 300, 'how long ksqlDB may take to become healthy and serve requests'),
    commandTimeoutMs: seconds('KSQL_APPLY_COMMAND_TIMEOUT_S', 120, 'how long one statement may take to run, and ksqlDB to catch up with its command queue'),
    requestTimeoutMs: seconds('KSQL_APPLY_REQUEST_TIMEOUT_S', 60, 'how long one HTTP request to ksqlDB may take'),
    turnTimeoutMs: seconds('KSQL_APPLY_TURN_TIMEOUT_S', 900, "how long one statement may wait for its turn: the applies send their statements to one ksqlDB one at a time, since statements sent at once fence each other"),
    pollIntervalMs: millis('KSQL_APPLY_POLL_INTERVAL_MS', 1000, 'how often ksqlDB is asked again while waiting (a statement another writer fenced: from this interval, doubling up to 8 s)'),
    probeTimeoutMs: seconds('KSQL_APPLY_PROBE_TIMEOUT_S', 5, PROBE_MEANING),
  },
  connect: {
    workerTimeoutMs: seconds('CONNECT_APPLY_WORKER_TIMEOUT_S', 300, 'how long the Kafka Connect worker may take to answer (it starts after Kafka and loads its plugins)'),
    runningTimeoutMs: seconds('CONNECT_APPLY_RUNNING_TIMEOUT_S', 180, 'how long a connector and its tasks may take to be RUNNING after a change, and to be gone after a delete'),
    settleMs: millis('CONNECT_APPLY_SETTLE_MS', 3000, 'how long RUNNING must hold before it counts (right after a change the status can still show the old tasks)'),
    requestTimeoutMs: seconds('CONNECT_APPLY_REQUEST_TIMEOUT_S', 60, 'how long one HTTP request to Kafka Connect may take'),
    pollMs: millis('CONNECT_APPLY_POLL_INTERVAL_MS', 1000, 'how often Kafka Connect is asked again while waiting'),
    probeTimeoutMs: seconds('CONNECT_APPLY_PROBE_TIMEOUT_S', 5, PROBE_MEANING),
  },
  elasticsearch: {
    healthTimeoutMs: seconds('ELASTICSEARCH_APPLY_HEALTH_TIMEOUT_S', 300, 'how long the Elasticsearch cluster may take to reach yellow health'),
    requestTimeoutMs: seconds('ELASTICSEARCH_APPLY_REQUEST_TIMEOUT_S', 30, 'how long one HTTP request to Elasticsearch may take'),
    pollMs: millis('ELASTICSEARCH_APPLY_POLL_INTERVAL_MS', 1000, 'how often Elasticsearch is asked again while waiting'),
    probeTimeoutMs: seconds('ELASTICSEARCH_APPLY_PROBE_TIMEOUT_S', 5, PROBE_MEANING),
  },
  kibana: {
    statusTimeoutMs: seconds('KIBANA_APPLY_STATUS_TIMEOUT_S', 600, 'how long Kibana may take to report its overall status available (its first start optimizes bundles and migrates saved objects)'),
    requestTimeoutMs: seconds('KIBANA_APPLY_REQUEST_TIMEOUT_S', 30, 'how long one HTTP request to Kibana may take'),
    pollMs: millis('KIBANA_APPLY_POLL_INTERVAL_MS', 1000, 'how often Kibana is asked again while waiting'),
    probeTimeoutMs: seconds('KIBANA_APPLY_PROBE_TIMEOUT_S', 5, PROBE_MEANING),
  },
  pinot: {
    healthTimeoutMs: seconds('PINOT_APPLY_HEALTH_TIMEOUT_S', 420, "how long the Pinot controller may take to answer its health check (the quick start brings up ZooKeeper, controller, broker and server first)"),
    requestTimeoutMs: seconds('PINOT_APPLY_REQUEST_TIMEOUT_S', 60, 'how long one HTTP request to the Pinot controller may take (adding a realtime table creates its first consuming segments)'),
    pollMs: millis('PINOT_APPLY_POLL_INTERVAL_MS', 1000, 'how often the Pinot controller is asked again while waiting'),
    probeTimeoutMs: seconds('PINOT_APPLY_PROBE_TIMEOUT_S', 5, PROBE_MEANING),
  },
} as const satisfies Record<OpsTool, Record<string, TimeoutSetting>>;

/** A tool's settings resolved to milliseconds, under the table's keys. */
export type Timeouts<T extends OpsTool> = { readonly [K in keyof (typeof TIMEOUTS)[T]]: number };

/** Every setting of every tool, in table order (for --help, the README check). */
export function allTimeoutSettings(tool?: OpsTool): TimeoutSetting[] {
  const tools = tool ? [tool] : (Object.keys(TIMEOUTS) as OpsTool[]);
  return tools.flatMap((t) => Object.values(TIMEOUTS[t]) as TimeoutSetting[]);
}

/** `300 s`, `1000 ms`: a value in the setting's own unit, as a user writes it. */
export function formatSetting(setting: TimeoutSetting, value = setting.default): string {
  return `${value} ${setting.unit}`;
}

function unitName(setting: TimeoutSetting): string {
  return setting.unit === 's' ? 'seconds' : 'milliseconds';
}

/** The milliseconds a setting's variable asks for, or its default when unset or empty. */
export function readSetting(setting: TimeoutSetting, env: NodeJS.ProcessEnv): number {
  const raw = env[setting.env];
  const factor = setting.unit === 's' ? 1000 : 1;
  if (raw === undefined || raw.trim() === '') return setting.default * factor;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0 || value * factor > MAX_MS) {
    throw new Error(
      `${setting.env}='${raw}' is not a positive number of ${unitName(setting)} up to ${MAX_MS / factor} (one day) — ` +
        `set it to, for example, ${setting.default}, or unset it for the default ${formatSetting(setting)}`,
    );
  }
  return value * factor;
}

/** All settings of one tool from the environment; the first invalid one throws, naming its variable. */
export function readTimeouts<T extends OpsTool>(tool: T, env: NodeJS.ProcessEnv): Timeouts<T> {
  const table: Record<string, TimeoutSetting> = TIMEOUTS[tool];
  return Object.fromEntries(Object.entries(table).map(([key, setting]) => [key, readSetting(setting, env)])) as Timeouts<T>;
}

/** The advice a timeout error ends with: which variable to raise, and its current value. */
export function raiseAdvice(setting: TimeoutSetting, currentMs: number): string {
  const current = setting.unit === 's' ? currentMs / 1000 : currentMs;
  return `raise ${setting.env} (now ${formatSetting(setting, current)})`;
}
