/**
 * The producer against a real broker that crashes: SIGKILL in the middle of a 20,000-message run
 * and a restart on the same port and data (nothing lost, nothing twice), a broker that stays down
 * (the run stops, says what was not delivered, exits 1) and a broker or topic that is not there.
 */
import { type LocalKafka, startKafka } from '../support/kafka';
import { freePort } from '../support/ports';
import { acknowledged, consumeTopic, createTopics, killLeftoverClis, runCli, startCli } from './support';

const ids = (messages: ReadonlyArray<{ value: Record<string, unknown> }>): Set<unknown> => new Set(messages.map((message) => message.value.transaction_id));

describe('generator producer when the broker fails', () => {
  let kafka: LocalKafka;

  beforeAll(async () => {
    kafka = await startKafka();
    await createTopics(kafka.bootstrap, ['shop_kill', 'shop_down'], 3);
  });

  afterEach(() => killLeftoverClis());

  afterAll(async () => {
    await kafka?.stop();
  });

  it('broker SIGKILLed and restarted during a 20,000-message run: acknowledged = consumed, no duplicates', async () => {
    const run = startCli(['shop_transactions', '--topic', 'shop_kill', '--brokers', kafka.bootstrap, '--count', '20000', '--rate', '2000', '--workers', '4', '--batch-size', '100', '--progress-ms', '250']);
    // Kill once a quarter of the run is acknowledged: the rest is produced across the crash.
    await run.waitForStderr(/sent (?:[5-9]\d{3}|\d{5}) /);
    await kafka.kill();
    const sentAtKill = Number(run.stderr().match(/sent (\d+) /g)!.pop()!.slice(5, -1));
    await new Promise((resolve) => setTimeout(resolve, 3000));
    await kafka.restart();
    const code = await run.exit();

    expect(sentAtKill).toBeLessThan(20_000);
    // With stderr in the comparison, a failure shows what the producer said.
    expect({ code, stderr: run.stderr() }).toEqual({ code: 0, stderr: expect.stringContaining('done: sent 20000, not delivered 0') });
    expect(acknowledged(run.stderr())).toBe(20_000);
    const messages = await consumeTopic(kafka.bootstrap, 'shop_kill');
    expect(messages).toHaveLength(20_000);
    expect(ids(messages).size).toBe(20_000);
  });

  it('a broker that stays down: the run stops, reports the unanswered sends as unconfirmed and exits 3; every acknowledged message is kept', async () => {
    const run = startCli(['shop_transactions', '--topic', 'shop_down', '--brokers', kafka.bootstrap, '--count', '20000', '--rate', '2000', '--workers', '2', '--batch-size', '100', '--progress-ms', '250', '--delivery-timeout-ms', '6000']);
    await run.waitForStderr(/sent (?:[2-9]\d{3}|\d{5}) /);
    await kafka.kill();
    const code = await run.exit();
    const stderr = run.stderr();

    // No answer is no refusal: the sends may have been written, so they are unconfirmed, not undelivered.
    expect(code).toBe(3);
    expect(stderr).toMatch(/UNCONFIRMED: \d+ messages to topic 'shop_down' unconfirmed, may still be written: not acknowledged within the delivery timeout of 6000 ms/);
    const summary = stderr.match(/UNCONFIRMED: sent (\d+), not delivered 0, unconfirmed (\d+) \(may still be written\)/);
    expect(summary).not.toBeNull();
    const [sent, undelivered] = [Number(summary![1]), Number(summary![2])];
    expect(undelivered).toBeGreaterThan(0);
    expect(sent + undelivered).toBeLessThan(20_000);

    await kafka.restart();
    const messages = await consumeTopic(kafka.bootstrap, 'shop_down');
    // Acknowledged messages all survived; a send that timed out may or may not have been written.
    expect(messages.length).toBeGreaterThanOrEqual(sent);
    expect(messages.length).toBeLessThanOrEqual(sent + undelivered);
    expect(ids(messages).size).toBe(messages.length);
  });

  it('SIGTERM mid-run: the sends in flight finish, exit 0, acknowledged = consumed', async () => {
    await createTopics(kafka.bootstrap, ['shop_sigterm'], 3);
    const run = startCli(['shop_transactions', '--topic', 'shop_sigterm', '--brokers', kafka.bootstrap, '--rate', '1000', '--workers', '3', '--batch-size', '50', '--progress-ms', '250']);
    await run.waitForStderr(/sent (?:[1-9]\d{3}|\d{5}) /);
    run.child.kill('SIGTERM');
    const code = await run.exit();
    expect({ code, stderr: run.stderr() }).toEqual({ code: 0, stderr: expect.stringMatching(/SIGTERM: finishing \d+ messages in flight/) });
    const messages = await consumeTopic(kafka.bootstrap, 'shop_sigterm');
    expect(messages).toHaveLength(acknowledged(run.stderr()));
    expect(ids(messages).size).toBe(messages.length);
  });

  it('a missing topic is reported with the fix, and nothing is produced', async () => {
    const result = await runCli(['ratings', '--topic', 'no_such_topic', '--brokers', kafka.bootstrap, '--count', '5']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("cannot start: topic 'no_such_topic' does not exist; create it first (the stack does), or pass --create-topic");
  });

  it('--create-topic creates a missing topic and produces to it', async () => {
    const result = await runCli(['ratings', '--topic', 'ratings_created', '--create-topic', '--brokers', kafka.bootstrap, '--count', '5', '--rate', 'unlimited']);
    expect(result.code).toBe(0);
    expect(await consumeTopic(kafka.bootstrap, 'ratings_created')).toHaveLength(5);
  });

  it('no broker at the address: exits 1 naming the brokers setting', async () => {
    const result = await runCli(['ratings', '--brokers', `127.0.0.1:${await freePort()}`, '--count', '5', '--delivery-timeout-ms', '3000']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('cannot start: could not reach the Kafka brokers within 3000 ms; check --brokers / KAFKA_BROKERS');
  });
});
