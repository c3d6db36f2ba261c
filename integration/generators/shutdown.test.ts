/**
 * SIGTERM while the broker is frozen (SIGSTOP) or killed: the generator reports within the
 * container's stop timeout (10 s), counts the sends without an answer as unconfirmed (they may
 * still be written), not as not delivered, and the topic holds, once the broker is back, at least
 * what was reported sent and at most that plus the unconfirmed.
 */
import { type LocalKafka, startKafka } from '../support/kafka';
import { consumeTopic, createTopics, killLeftoverClis, startCli, type CliRun } from './support';

/** The generator containers' stop_timeout: Docker kills the process after it. */
const STOP_TIMEOUT_MS = 10_000;

interface Report {
  readonly code: number | null;
  readonly elapsedMs: number;
  readonly sent: number;
  readonly notDelivered: number;
  readonly unconfirmed: number;
}

/**
 * The topic's messages once the broker serves it again: right after a thaw or a restart it answers
 * "not the leader" for a few seconds while its partitions' leadership settles.
 */
async function consumeWhenServed(bootstrap: string, topic: string): Promise<Awaited<ReturnType<typeof consumeTopic>>> {
  const deadline = Date.now() + 90_000;
  for (;;) {
    try {
      return await consumeTopic(bootstrap, topic);
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 2000));
    }
  }
}

async function sigterm(run: CliRun): Promise<Report> {
  const started = Date.now();
  run.child.kill('SIGTERM');
  const code = await run.exit(60_000);
  const elapsedMs = Date.now() - started;
  process.stdout.write(`shutdown report after ${elapsedMs} ms, exit ${code}: ${run.stderr().split('\n').filter((line) => /UNCONFIRMED|NOT DELIVERED|done:|FAILED:/.test(line)).join(' | ')}\n`);
  const summary = run.stderr().match(/(?:done|FAILED|UNCONFIRMED): sent (\d+), not delivered (\d+)(?:, unconfirmed (\d+) \(may still be written\))?/);
  if (summary === null) throw new Error(`no summary line; stderr tail:\n${run.stderr().slice(-3000)}`);
  return { code, elapsedMs, sent: Number(summary[1]), notDelivered: Number(summary[2]), unconfirmed: Number(summary[3] ?? 0) };
}

describe('generator shutdown under a broken broker', () => {
  let kafka: LocalKafka;

  beforeAll(async () => {
    kafka = await startKafka();
    await createTopics(kafka.bootstrap, ['shop_frozen', 'shop_killed'], 3);
  });

  afterEach(() => killLeftoverClis());

  afterAll(async () => {
    await kafka?.stop();
  });

  it('frozen broker: the report comes within the stop timeout and matches the topic after the thaw', async () => {
    const run = startCli(['shop_transactions', '--topic', 'shop_frozen', '--brokers', kafka.bootstrap, '--rate', '1000', '--workers', '2', '--batch-size', '50', '--progress-ms', '250']);
    await run.waitForStderr(/sent (?:[1-9]\d{3}|\d{5}) /);
    kafka.freeze();
    try {
      // Long enough for the sends in flight to be stuck behind the frozen broker.
      await new Promise((resolve) => setTimeout(resolve, 1500));
      const report = await sigterm(run);
      expect({ elapsedMs: report.elapsedMs < STOP_TIMEOUT_MS, code: report.code, notDelivered: report.notDelivered, stderr: run.stderr() }).toEqual({
        elapsedMs: true,
        code: 3,
        notDelivered: 0,
        stderr: expect.stringContaining('UNCONFIRMED: sent'),
      });
      expect(report.unconfirmed).toBeGreaterThan(0);
      kafka.thaw();
      const messages = await consumeWhenServed(kafka.bootstrap, 'shop_frozen');
      expect(messages.length).toBeGreaterThanOrEqual(report.sent);
      expect(messages.length).toBeLessThanOrEqual(report.sent + report.unconfirmed);
    } finally {
      kafka.thaw();
    }
  });

  it('killed broker: the report comes within the stop timeout, not after the delivery timeout, and matches the topic after the restart', async () => {
    const run = startCli(['shop_transactions', '--topic', 'shop_killed', '--brokers', kafka.bootstrap, '--rate', '1000', '--workers', '2', '--batch-size', '50', '--progress-ms', '250']);
    await run.waitForStderr(/sent (?:[1-9]\d{3}|\d{5}) /);
    await kafka.kill();
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const report = await sigterm(run);
    expect({ fast: report.elapsedMs < STOP_TIMEOUT_MS, code: report.code }).toEqual({ fast: true, code: report.notDelivered > 0 ? 1 : report.unconfirmed > 0 ? 3 : 0 });
    await kafka.restart();
    const messages = await consumeWhenServed(kafka.bootstrap, 'shop_killed');
    expect(messages.length).toBeGreaterThanOrEqual(report.sent);
    expect(messages.length).toBeLessThanOrEqual(report.sent + report.unconfirmed);
  });
});
