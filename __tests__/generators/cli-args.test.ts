import { parseGeneratorArgs, UsageError, type CliOptions } from '../../generators/cli-args';
import { datasetModule } from '../../generators/datasets';
import { HOST_PORT_RULE } from '../../lib/host-port';
import { DATASET_NAMES } from '../../pipelines/datasets';
import { INSTANT_FORMS } from '../../generators/start-time';

const run = (argv: string[], env: Record<string, string> = {}): CliOptions => {
  const parsed = parseGeneratorArgs(argv, env);
  if (parsed.kind !== 'run') throw new Error('expected a run');
  return parsed.options;
};
const usage = (argv: string[], env: Record<string, string> = {}): string => {
  try {
    parseGeneratorArgs(argv, env);
  } catch (error) {
    if (error instanceof UsageError) return error.message;
    throw error;
  }
  throw new Error(`no usage error for ${argv.join(' ')}`);
};

describe('lab-generate arguments', () => {
  it('defaults: 10/s, one worker, the schema topic, brokers from KAFKA_BROKERS, dataset flag defaults', () => {
    const options = run(['server_logs'], { KAFKA_BROKERS: 'kafka:9092' });
    expect(options).toMatchObject({ dataset: 'server_logs', rate: 10, workers: 1, topic: 'server_logs', brokers: 'kafka:9092', stdout: false, batchSize: 500 });
    expect(options.count).toBeUndefined();
    expect(options.flags).toEqual({ burst: false, 'error-probability': 0.002, 'burst-size': 12 });
  });

  it('parses every common option, in both --name value and --name=value forms', () => {
    const options = run(['clickstream', '--rate=250', '--count', '1000', '--workers', '4', '--seed', '9', '--start-time', '2024-01-01T00:00:00Z', '--brokers', 'a:1,b:2', '--topic', 'clicks2', '--create-topic', '--sessionize', '--session-gap-ms', '5000', '--health-file', '/tmp/h']);
    expect(options).toMatchObject({ rate: 250, count: 1000, workers: 4, seed: 9, startTime: Date.UTC(2024, 0, 1), brokers: 'a:1,b:2', topic: 'clicks2', createTopic: true, healthFile: '/tmp/h' });
    expect(options.flags).toMatchObject({ sessionize: true, 'session-gap-ms': 5000 });
  });

  it('--stdout --count prints samples unpaced; --stdout alone keeps the default rate', () => {
    expect(run(['ratings', '--stdout', '--count', '3']).rate).toBe(Infinity);
    expect(run(['ratings', '--stdout']).rate).toBe(10);
  });

  it('unlimited is spelled out: --rate unlimited; a fractional rate is a rate', () => {
    expect(run(['ratings', '--stdout', '--rate', 'unlimited']).rate).toBe(Infinity);
    expect(run(['ratings', '--stdout', '--rate=0.5']).rate).toBe(0.5);
  });

  it('--workers above --count is capped at the count: more would have nothing to send', () => {
    expect(run(['ratings', '--count', '3', '--workers', '10']).workers).toBe(3);
    expect(run(['ratings', '--count', '30', '--workers', '10']).workers).toBe(10);
    expect(run(['ratings', '--workers', '10']).workers).toBe(10);
  });

  it.each([
    ['2024-01-01', Date.UTC(2024, 0, 1)],
    ['2024-01-01T02:00:00+02:00', Date.UTC(2024, 0, 1)],
    ['2024-03-01T12:00:00.5Z', Date.UTC(2024, 2, 1, 12, 0, 0, 500)],
    ['2024-02-29T23:59Z', Date.UTC(2024, 1, 29, 23, 59)],
    ['1704067200000', Date.UTC(2024, 0, 1)],
    ['0', 0],
  ])('--start-time %s is %d', (raw, expected) => {
    expect(run(['ratings', '--stdout', '--start-time', raw]).startTime).toBe(expected);
  });

  it('checks KAFKA_BROKERS only when producing to Kafka', () => {
    expect(run(['ratings', '--stdout'], { KAFKA_BROKERS: 'kafka:99999' }).brokers).toBe('kafka:99999');
    expect(run(['ratings'], { KAFKA_BROKERS: '[::1]:9092,kafka_1:9092' }).brokers).toBe('[::1]:9092,kafka_1:9092');
  });

  it('names KAFKA_BROKERS when the bad broker list comes from it', () => {
    expect(usage(['ratings'], { KAFKA_BROKERS: 'kafka:99999' })).toBe(
      `KAFKA_BROKERS 'kafka:99999' is not valid: broker 'kafka:99999' has port 99999, outside 1-65535; expected a comma-separated list of ${HOST_PORT_RULE}, e.g. localhost:9092`,
    );
  });

  it('names the allowed datasets for an unknown one', () => {
    expect(usage(['rating'])).toBe(`unknown dataset 'rating'; allowed: ${[...DATASET_NAMES].sort().join(', ')}`);
  });

  it.each([
    [['ratings', '--rate', 'fast'], "--rate 'fast' is not valid: expected a number above 0 and at most 10000000, or 'unlimited'"],
    [['ratings', '--rate', '-1'], "--rate '-1' is not valid: expected a number above 0 and at most 10000000, or 'unlimited'"],
    [['ratings', '--rate', '0'], "--rate '0' is not valid: expected a number above 0 and at most 10000000, or 'unlimited' (0 no longer means unlimited: write --rate unlimited)"],
    [['ratings', '--rate', 'Unlimited'], "--rate 'Unlimited' is not valid: expected a number above 0 and at most 10000000, or 'unlimited'"],
    [['ratings', '--brokers', 'kafka:70000'], `--brokers 'kafka:70000' is not valid: broker 'kafka:70000' has port 70000, outside 1-65535; expected a comma-separated list of ${HOST_PORT_RULE}, e.g. localhost:9092`],
    [['ratings', '--brokers', 'a:9092,-b:9092'], `--brokers 'a:9092,-b:9092' is not valid: broker '-b:9092' has a host starting with '-'; expected a comma-separated list of ${HOST_PORT_RULE}, e.g. localhost:9092`],
    [['ratings', '--brokers', 'kafka:0'], `--brokers 'kafka:0' is not valid: broker 'kafka:0' has port 0, outside 1-65535; expected a comma-separated list of ${HOST_PORT_RULE}, e.g. localhost:9092`],
    [['ratings', '--count', '2.5'], "--count '2.5' is not valid: expected an integer between 1 and 9007199254740991"],
    [['ratings', '--workers', '0'], "--workers '0' is not valid: expected an integer between 1 and 256"],
    [['ratings', '--seed', 'abc'], "--seed 'abc' is not valid: expected an integer between 0 and 4294967295"],
    [['ratings', '--bad-rating-probability', '1.5'], "--bad-rating-probability '1.5' is not valid: expected a number between 0 and 1"],
    [['server_logs', '--burst-size', '3'], "--burst-size '3' is not valid: expected an integer between 5 and 10000"],
    [['ratings', '--start-time', 'yesterday'], `--start-time 'yesterday' is not valid: expected ${INSTANT_FORMS}`],
    [['ratings', '--start-time', 'May 1'], `--start-time 'May 1' is not valid: expected ${INSTANT_FORMS}`],
    [['ratings', '--start-time', 'x 1'], `--start-time 'x 1' is not valid: expected ${INSTANT_FORMS}`],
    [['ratings', '--start-time', '1.5'], `--start-time '1.5' is not valid: expected ${INSTANT_FORMS}`],
    [['ratings', '--start-time', '-1'], `--start-time '-1' is not valid: expected ${INSTANT_FORMS}`],
    [['ratings', '--start-time', '2024-02-30'], `--start-time '2024-02-30' is not valid: expected ${INSTANT_FORMS}`],
    [['ratings', '--start-time', '2024-13-01'], `--start-time '2024-13-01' is not valid: expected ${INSTANT_FORMS}`],
    [['ratings', '--start-time', '2024-01-01T00:00:00'], `--start-time '2024-01-01T00:00:00' is not valid: expected ${INSTANT_FORMS}`],
    [['ratings', '--start-time', '2024-01-01T24:00Z'], `--start-time '2024-01-01T24:00Z' is not valid: expected ${INSTANT_FORMS}`],
    [['ratings', '--start-time', '1969-12-31T23:59:59Z'], `--start-time '1969-12-31T23:59:59Z' is not valid: expected ${INSTANT_FORMS}`],
    [['ratings', '--start-time', ' 2024-01-01'], `--start-time ' 2024-01-01' is not valid: expected ${INSTANT_FORMS}`],
    [['ratings', '--stdout=yes'], '--stdout takes no value'],
    [['ratings', '--rate'], '--rate needs a value'],
    [['ratings', '--rate', '5', '--rate', '6'], '--rate is given twice'],
    [['ratings', 'extra'], "unexpected argument 'extra': the dataset goes first, options start with --"],
    [['ratings', '--via-api', 'http://api:8000'], '--via-api applies only to the payments dataset, not to ratings'],
    [['payments', '--via-api', 'api:8000'], "--via-api 'api:8000' is not an http(s) URL, e.g. http://payments-api:8000"],
    [['payments'], 'payments on topic payment_json must be in Schema Registry wire format, which the payments API writes: pass --via-api http://<payments-api>:8000, or --topic <another topic> for plain JSON'],
    [['payments', '--topic', 'payment_avro'], 'payments on topic payment_avro must be in Schema Registry wire format, which the payments API writes: pass --via-api http://<payments-api>:8000, or --topic <another topic> for plain JSON'],
    [['ratings', '--db-url', 'mysql://u:p@h/db'], '--db-url applies only to datasets written to a database (moodle_logs), not to ratings'],
  ])('%j: %s', (argv, message) => {
    expect(usage(argv)).toBe(message);
  });

  it('lists the allowed options, common and the dataset own, for an unknown one', () => {
    const message = usage(['server_logs', '--sessionize']);
    expect(message).toMatch(/^unknown option --sessionize; allowed: --rate, --count, /);
    expect(message).toContain('--burst, --error-probability, --burst-size');
    expect(message).not.toContain('--session-gap-ms');
  });

  it('payments: plain JSON to another topic, the API for the registry topics, or stdout', () => {
    expect(run(['payments', '--topic', 'payments_plain']).topic).toBe('payments_plain');
    expect(run(['payments', '--via-api', 'http://payments-api:8000']).viaApi).toBe('http://payments-api:8000');
    expect(run(['payments', '--stdout']).stdout).toBe(true);
  });

  it('moodle_logs needs a database unless printing, and has no topic', () => {
    expect(usage(['moodle_logs'])).toBe('moodle_logs writes rows into MariaDB: set MOODLE_DB_URL=mysql://user:password@host:3306/moodle (or pass --db-url), or use --stdout');
    expect(run(['moodle_logs'], { MOODLE_DB_URL: 'mysql://moodle:secret@mariadb:3306/moodle' }).dbUrl).toBe('mysql://moodle:secret@mariadb:3306/moodle');
    expect(run(['moodle_logs', '--stdout']).dbUrl).toBeUndefined();
    expect(usage(['moodle_logs', '--stdout', '--topic', 'x'])).toMatch(/^moodle_logs writes rows into the database table mdl_logstore_standard_log .*--topic and --create-topic do not apply$/);
  });

  it('help: overall, and per dataset with its flags and their ranges', () => {
    const overall = parseGeneratorArgs(['--help']);
    const ratings = parseGeneratorArgs(['ratings', '-h']);
    if (overall.kind !== 'help' || ratings.kind !== 'help') throw new Error('expected help');
    for (const name of DATASET_NAMES) expect(overall.text).toContain(name);
    expect(overall.text).toContain('--session-gap-ms N');
    expect(ratings.text).toContain('--bad-rating-probability N');
    expect(ratings.text).toContain('(0..1, default 0.15)');
    expect(ratings.text).not.toContain('--session-gap-ms');
    // The help tells what the parser accepts.
    expect(overall.text).toMatch(/--rate N\|unlimited +messages per second \(above 0\), all workers together, or unlimited: as fast as the sinks accept/);
    expect(overall.text).toMatch(/--workers N +parallel producers .*; at most --count \(1\.\.256, default 1\)/);
    expect(overall.text).not.toContain('0 = as fast as possible');
  });

  it('help states the defaults the parser applies', () => {
    const help = parseGeneratorArgs(['--help']);
    if (help.kind !== 'help') throw new Error('expected help');
    const options = run(['ratings']);
    const stated = (option: string): number => Number(new RegExp(`--${option} N .*default (\\d+)\\)$`, 'm').exec(help.text)?.[1]);
    expect(stated('workers')).toBe(options.workers);
    expect(stated('batch-size')).toBe(options.batchSize);
    expect(stated('delivery-timeout-ms')).toBe(options.deliveryTimeoutMs);
    expect(stated('progress-ms')).toBe(options.progressMs);
    expect(help.text).toContain(`(default ${options.rate}; unlimited with --stdout --count)`);
  });

  it('takes long options only, as node:util splits them', () => {
    expect(usage(['ratings', '-x'])).toBe("unexpected argument '-x': the dataset goes first, options start with --");
    expect(usage(['ratings', '--rate', '--count', '3'])).toBe('--rate needs a value');
    expect(usage(['ratings', '--', '--stdout'])).toBe("unexpected argument '--': the dataset goes first, options start with --");
    expect(run(['ratings', '--stdout', '--progress-ms=0']).progressMs).toBe(0);
  });

  it('no dataset flag shadows a common option', () => {
    const common = ['rate', 'count', 'workers', 'seed', 'start-time', 'brokers', 'topic', 'create-topic', 'stdout', 'db-url', 'via-api', 'batch-size', 'delivery-timeout-ms', 'progress-ms', 'health-file', 'help'];
    for (const name of DATASET_NAMES) for (const flag of datasetModule(name).flags) expect(common).not.toContain(flag.name);
    // The list above must be the real one: an unknown common option would be rejected.
    for (const option of common.filter((o) => !['help', 'db-url', 'via-api', 'stdout'].includes(o))) {
      expect(() => parseGeneratorArgs(['ratings', `--${option}`, '1'])).not.toThrow(/unknown option/);
    }
  });
});
