/**
 * Event time. The wall clock stamps records with the current time and turns generator pauses
 * into real waits. The simulated clock (`--start-time`) starts at a given instant and advances a
 * fixed step per record and the full length of each pause without waiting, so a seed and a start
 * time reproduce a run byte for byte.
 */
export interface EventClock {
  now(): number;
  /** Called after each produced record. */
  tick(): void;
  /** Accounts for a generator pause; returns how long the runner must wait in wall time. */
  pause(ms: number): number;
}

export class WallClock implements EventClock {
  now(): number {
    return Date.now();
  }
  tick(): void {}
  pause(ms: number): number {
    return ms;
  }
}

export class SimulatedClock implements EventClock {
  private current: number;

  constructor(
    start: number,
    private readonly stepMs: number,
  ) {
    this.current = start;
  }
  now(): number {
    return Math.floor(this.current);
  }
  tick(): void {
    this.current += this.stepMs;
  }
  pause(ms: number): number {
    this.current += ms;
    return 0;
  }
}
