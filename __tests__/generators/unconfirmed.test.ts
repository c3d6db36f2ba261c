/**
 * A generator stopped while its broker is frozen or gone: sends without an answer are reported as
 * unconfirmed (they may still be written), not as not delivered, and the run ends within its
 * shutdown time instead of waiting out the delivery timeout. integration/generators runs the real broker.
 */
import type { Kafka } from 'kafkajs';
import { defaultFlags } from '../../generators/dataset-module';
import { datasetModule } from '../../generators/datasets';
import { createFaker } from '../../generators/random';
import { SimulatedClock } from '../../generators/runtime/clock';
import type { OutMessage } from '../../generators/runtime/message';
import { Progress } from '../../generators/runtime/progress';
import { Runner } from '../../generators/runtime/runner';
import { RecordSource } from '../../generators/runtime/source';
import { KafkaSink } from '../../generators/sinks/kafka-sink';
import { DeliveryError, type Sink } from '../../generators/sinks/sink';
import { START } from './drive';

function runnerFor(count: number, sinks: Sink[], batchSize: number): Runner {
  const module = datasetModule('ratings');
  const clock = new SimulatedClock(START, 10);
  return new Runner({ schema: module.schema, source: new RecordSource(module.create({ faker: createFaker(5), flags: defaultFlags(module.flags, {}) }), clock, count), clock, sinks, rate: Infinity, batchSize });
}

/** A sink whose broker froze: sends are taken and never answered. */
const frozen: Sink = { open: async () => {}, close: async () => {}, send: () => new Promise<void>(() => undefined) };

describe('Runner.giveUp', () => {
  it('ends the run at once, counting the sends in flight as unconfirmed', async () => {
    const runner = runnerFor(1000, [frozen, frozen], 5);
    const done = runner.run();
    await new Promise((resolve) => setImmediate(resolve));
    expect(runner.stats().inFlight).toBe(10);
    runner.giveUp();
    expect(await done).toMatchObject({ sent: 0, failed: 0, unconfirmed: 10, inFlight: 0 });
  });
});

describe('a failed send of unknown fate', () => {
  it('counts as unconfirmed, not as not delivered, and the summary says which', async () => {
    let sends = 0;
    const sink: Sink = {
      open: async () => {},
      close: async () => {},
      send: async (messages: readonly OutMessage[]) => {
        if (++sends === 2) throw new DeliveryError(`${messages.length} messages unconfirmed: timeout`, messages.length, { fate: 'unknown' });
      },
    };
    const stats = await runnerFor(100, [sink], 10).run();
    expect(stats).toMatchObject({ sent: 10, failed: 0, unconfirmed: 10, errors: [], unconfirmedErrors: ['10 messages unconfirmed: timeout'] });
    expect(new Progress('lab-generate ratings').summary(stats)).toMatch(/^\[lab-generate ratings\] UNCONFIRMED: sent 10, not delivered 0, unconfirmed 10 \(may still be written\), /);
  });
});

describe('KafkaSink', () => {
  /** A kafkajs client whose producer's send fails with `error` (or never answers). */
  const sinkFailingWith = (send: () => Promise<unknown>, deliveryTimeoutMs = 60_000): KafkaSink =>
    new KafkaSink({ producer: () => ({ connect: async () => undefined, disconnect: async () => undefined, send }) } as unknown as Kafka, 'ratings', deliveryTimeoutMs);
  const message: OutMessage = { key: 'k', value: '{}', timestamp: 1 } as unknown as OutMessage;

  const failure = async (sink: KafkaSink): Promise<DeliveryError> => {
    try {
      await sink.send([message]);
    } catch (error) {
      if (error instanceof DeliveryError) return error;
      throw error;
    }
    throw new Error('expected the send to fail');
  };

  it('no acknowledgement within the delivery timeout: unconfirmed, may still be written', async () => {
    const error = await failure(sinkFailingWith(() => new Promise(() => undefined), 1000));
    expect(error.fate).toBe('unknown');
    expect(error.message).toBe("1 messages to topic 'ratings' unconfirmed, may still be written: not acknowledged within the delivery timeout of 1000 ms");
  });

  it('a connection lost or refused: unconfirmed', async () => {
    const lost = Object.assign(new Error('Connection error: connect ECONNREFUSED 127.0.0.1:9092'), { name: 'KafkaJSConnectionError' });
    const retried = Object.assign(new Error(lost.message, { cause: lost }), { name: 'KafkaJSNumberOfRetriesExceeded' });
    expect((await failure(sinkFailingWith(() => Promise.reject(retried)))).fate).toBe('unknown');
  });

  it('the broker answering with an error (after retries too): not delivered', async () => {
    const refused = Object.assign(new Error('The request included a message larger than the max message size the server will accept'), { name: 'KafkaJSProtocolError' });
    expect((await failure(sinkFailingWith(() => Promise.reject(refused)))).fate).toBe('not-written');
    const retried = Object.assign(new Error(refused.message, { cause: refused }), { name: 'KafkaJSNumberOfRetriesExceeded' });
    const error = await failure(sinkFailingWith(() => Promise.reject(retried)));
    expect(error.fate).toBe('not-written');
    expect(error.message).toContain("1 messages to topic 'ratings' not delivered:");
  });
});
