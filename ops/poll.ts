/**
 * The one wait loop of the ops appliers: ask, and ask again every interval until the answer is
 * the awaited one or the deadline passes. A services' REST API often accepts a change before it
 * has happened (a queued ksqlDB command, a connector whose tasks have not started), so every
 * apply ends in such a wait, and every wait must end in an error that says what did not happen,
 * what was last seen, and which setting to raise when the machine is only slow.
 */
import { sleep } from './http-json';
import { raiseAdvice, type TimeoutSetting } from './timeouts';

/** One look at the service: the awaited value, or what was seen instead (for the timeout message). */
export type Attempt<T> = { readonly done: true; readonly value: T } | { readonly done: false; readonly last: string };

export function done<T>(value: T): Attempt<T> {
  return { done: true, value };
}

export function pending(last: string): Attempt<never> {
  return { done: false, last };
}

export interface PollOptions {
  /** The bound, in milliseconds, and the setting it came from (named in the timeout's fix). */
  readonly timeoutMs: number;
  readonly setting: TimeoutSetting;
  readonly intervalMs: number;
  /**
   * When the bound started (Date.now() by default). Waits of one step that share a deadline
   * (a connector's PUT and its tasks starting) pass the same start.
   */
  readonly since?: number;
  /** What did not happen, given the last thing seen and the bound in seconds. */
  readonly timedOut: (last: string, seconds: number) => string;
  /** What to check when the wait ran out; the advice to raise the setting is appended. */
  readonly fix: string;
  /**
   * Sleep a random 0.5 to 1.5 intervals instead of one: two clients that collide and retry after the
   * same fixed interval collide again, every time.
   */
  readonly jitter?: boolean;
  /**
   * Double the interval after each attempt, up to this many milliseconds. Two clients whose requests
   * fence each other for as long as a request lasts collide again whenever they retry sooner than
   * that; growing, jittered waits let one of them through.
   */
  readonly maxIntervalMs?: number;
}

/** A wait ran out. Appliers turn it into an ApplyError that names their object. */
export class WaitTimeout extends Error {
  constructor(
    /** What did not happen in time, with the last thing seen. */
    readonly description: string,
    /** What to check, ending with the setting to raise. */
    readonly fix: string,
  ) {
    super(`${description} — ${fix}`);
    this.name = 'WaitTimeout';
  }
}

/** The fix of a timeout: what to check, then the setting to raise on a machine that is only slow. */
export function timeoutFix(fix: string, setting: TimeoutSetting, timeoutMs: number): string {
  return `${fix}; on a slow machine, ${raiseAdvice(setting, timeoutMs)}`;
}

/**
 * Calls `attempt` until it is done; gives up, with a WaitTimeout, before a sleep that would end
 * past the deadline (so a wait never overruns its bound by a whole interval).
 */
export async function poll<T>(attempt: () => Promise<Attempt<T>>, options: PollOptions): Promise<T> {
  const deadline = (options.since ?? Date.now()) + options.timeoutMs;
  let interval = options.intervalMs;
  for (;;) {
    const result = await attempt();
    if (result.done) return result.value;
    const wait = options.jitter ? Math.round(interval * (0.5 + Math.random())) : interval;
    if (Date.now() + wait > deadline) {
      throw new WaitTimeout(options.timedOut(result.last, options.timeoutMs / 1000), timeoutFix(options.fix, options.setting, options.timeoutMs));
    }
    await sleep(wait);
    if (options.maxIntervalMs !== undefined) interval = Math.min(interval * 2, Math.max(options.maxIntervalMs, options.intervalMs));
  }
}
