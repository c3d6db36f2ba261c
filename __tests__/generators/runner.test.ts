import { Writable } from 'node:stream';
import { defaultFlags } from '../../generators/dataset-module';
import { datasetModule } from '../../generators/datasets';
import { createFaker } from '../../generators/random';
import { SimulatedClock } from '../../generators/runtime/clock';
import type { OutMessage } from '../../generators/runtime/message';
import { Pacer } from '../../generators/runtime/pacer';
import { Runner } from '../../generators/runtime/runner';
import { RecordSource } from '../../generators/runtime/source';
import { DeliveryError, type Sink } from '../../generators/sinks/sink';
import { StdoutSink } from '../../generators/sinks/stdout-sink';
import type { DatasetName } from '../../pipelines/datasets';
import { START } from './drive';

function runnerFor(dataset: DatasetName, count: number, sinks: Sink[], batchSize = 7, rate = Infinity): Runner {
  const module = datasetModule(dataset);
  const generator = module.create({ faker: createFaker(5), flags: defaultFlags(module.flags, dataset === 'server_logs' ? { burst: true } : {}) });
  const clock = new SimulatedClock(START, 10);
  return new Runner({ schema: module.schema, source: new RecordSource(generator, clock, count), clock, sinks, rate, batchSize });
}

/** A real stream that keeps what is written to it. */
class Collector extends Writable {
  readonly chunks: string[] = [];
  _write(chunk: Buffer, _encoding: BufferEncoding, done: () => void): void {
    this.chunks.push(chunk.toString());
    done();
  }
  lines(): string[] {
    return this.chunks.join('').split('\n').filter((line) => line.length > 0);
  }
}

describe('Runner', () => {
  it('delivers exactly --count records across several workers, none twice, bursts included', async () => {
    const streams = [new Collector(), new Collector(), new Collector()];
    // server_logs with --burst: the first step yields 12 records, more than one batch of 7.
    const stats = await runnerFor('server_logs', 1001, streams.map((stream) => new StdoutSink(stream))).run();
    const all = streams.flatMap((stream) => stream.lines());
    expect(stats).toMatchObject({ sent: 1001, failed: 0, inFlight: 0 });
    expect(all).toHaveLength(1001);
    expect(new Set(all).size).toBe(1001);
    // Every worker took part.
    expect(streams.every((stream) => stream.chunks.length > 0)).toBe(true);
  });

  /**
   * A sink that rejects its third send: a real broker that fails on cue cannot run in `npm test`
   * (no network); the integration tests check the same with a real broker that is down.
   */
  class FailingThirdSend implements Sink {
    sends = 0;
    delivered: OutMessage[] = [];
    async open(): Promise<void> {}
    async close(): Promise<void> {}
    async send(messages: readonly OutMessage[]): Promise<void> {
      this.sends += 1;
      if (this.sends === 3) throw new DeliveryError(`${messages.length} messages to topic 'ratings' not delivered: broker down`, messages.length);
      this.delivered.push(...messages);
    }
  }

  it('stops at the first undeliverable send and counts what was not delivered', async () => {
    const sink = new FailingThirdSend();
    const stats = await runnerFor('ratings', 100, [sink], 10).run();
    expect(stats.sent).toBe(20);
    expect(stats.failed).toBe(10);
    expect(sink.delivered).toHaveLength(20);
    expect(stats.errors).toEqual(["10 messages to topic 'ratings' not delivered: broker down"]);
  });

  it('stop() takes no new records but lets the send in flight finish', async () => {
    let release: () => void = () => {};
    const delivered: OutMessage[] = [];
    const slow: Sink = {
      open: async () => {},
      close: async () => {},
      send: async (messages) => {
        await new Promise<void>((resolve) => (release = resolve));
        delivered.push(...messages);
      },
    };
    const runner = runnerFor('ratings', 1000, [slow], 5);
    const done = runner.run();
    await new Promise((resolve) => setImmediate(resolve));
    expect(runner.stats().inFlight).toBe(5);
    runner.stop();
    release();
    const stats = await done;
    expect(stats).toMatchObject({ sent: 5, failed: 0, inFlight: 0 });
    expect(delivered).toHaveLength(5);
  });

  it('ends once the count is taken, even while other workers wait for a slot', async () => {
    // At 0.1/s the second worker's first slot is due 10 s after the first one: it must not wait for it.
    const streams = [new Collector(), new Collector()];
    const started = Date.now();
    const stats = await runnerFor('ratings', 1, streams.map((stream) => new StdoutSink(stream)), 7, 0.1).run();
    expect(stats).toMatchObject({ sent: 1, failed: 0 });
    expect(Date.now() - started).toBeLessThan(2000);
  });
});

describe('Pacer', () => {
  it.each([0, -1, Number.NaN])('refuses rate %p: 0 is not a spelling of "unlimited" (Infinity is)', (rate) => {
    expect(() => new Pacer(rate)).toThrow(RangeError);
  });
});
