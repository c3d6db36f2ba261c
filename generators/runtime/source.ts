import type { DatasetGenerator, DatasetRecord } from '../dataset-module';
import type { EventClock } from './clock';

export interface Taken {
  readonly records: readonly DatasetRecord[];
  /** Wall time the caller must wait before taking again (a generator pause on the wall clock). */
  readonly waitMs: number;
}

/**
 * Pulls records from a generator for all workers: keeps the rest of a burst for the next take,
 * stops exactly at `count`, and turns generator pauses into clock pauses. A wall-clock pause holds
 * for every worker: until it ends, take() yields nothing and says how long to wait.
 */
export class RecordSource {
  private readonly buffer: DatasetRecord[] = [];
  private taken = 0;
  /** Wall time before which no record is taken (a generator pause in progress). */
  private resumeAt = 0;

  constructor(
    private readonly generator: DatasetGenerator,
    private readonly clock: EventClock,
    private readonly count: number = Infinity,
  ) {}

  get exhausted(): boolean {
    return this.taken >= this.count;
  }

  get remaining(): number {
    return this.count - this.taken;
  }

  take(max: number): Taken {
    const held = this.resumeAt - Date.now();
    if (held > 0) return { records: [], waitMs: held };
    const records: DatasetRecord[] = [];
    const limit = Math.min(max, this.remaining);
    while (records.length < limit) {
      const buffered = this.buffer.shift();
      if (buffered !== undefined) {
        records.push(buffered);
        continue;
      }
      const step = this.generator.next(this.clock.now());
      if (step.kind === 'records') {
        this.buffer.push(...step.records);
        for (let i = 0; i < step.records.length; i++) this.clock.tick();
        continue;
      }
      const waitMs = this.clock.pause(Math.max(1, step.ms));
      if (waitMs > 0) {
        this.resumeAt = Date.now() + waitMs;
        this.taken += records.length;
        return { records, waitMs };
      }
    }
    this.taken += records.length;
    return { records, waitMs: 0 };
  }
}
