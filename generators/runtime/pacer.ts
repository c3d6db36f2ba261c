import { sleep } from './sleep';

/**
 * Hands out send slots at a fixed rate, shared by all workers. A producer that fell behind (a
 * broker outage) catches up at most one second's worth of slots, not the whole outage at once.
 */
export class Pacer {
  private nextDue = Date.now();

  /** @param rate messages per second, above 0; Infinity means as fast as the sinks accept. */
  constructor(private readonly rate: number) {
    // 0 once meant "unlimited" and reads as "paused": neither may be guessed here.
    if (!(rate > 0)) throw new RangeError(`rate ${rate} is not above 0 (Infinity means unlimited)`);
  }

  /** Waits until a slot is due and returns how many are due now (1..max); 0 when `signal` aborted. */
  async acquire(max: number, signal: AbortSignal): Promise<number> {
    if (max <= 0 || signal.aborted) return 0;
    if (this.rate === Infinity) {
      // Unpaced, but a generator pause still holds.
      await sleep(this.nextDue - Date.now(), signal);
      return signal.aborted ? 0 : max;
    }
    const interval = 1000 / this.rate;
    for (;;) {
      const now = Date.now();
      this.nextDue = Math.max(this.nextDue, now - 1000);
      if (this.nextDue <= now) {
        const due = Math.min(max, Math.floor((now - this.nextDue) / interval) + 1);
        this.nextDue += due * interval;
        return due;
      }
      await sleep(this.nextDue - now, signal);
      if (signal.aborted) return 0;
    }
  }

  /** A generator pause: no slot is due before `ms` from now (several workers may report the same pause). */
  delay(ms: number): void {
    this.nextDue = Math.max(this.nextDue, Date.now() + ms);
  }
}
