import { setTimeout as delay } from 'node:timers/promises';

/** Waits `ms`, or less if `signal` aborts first; never throws for the abort. */
export async function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (ms <= 0 || signal?.aborted) return;
  try {
    await delay(ms, undefined, { signal });
  } catch (error) {
    // By name, not instanceof Error: the AbortError may come from another realm (Node's own, under Jest's vm context).
    if ((error as { name?: unknown } | null)?.name !== 'AbortError') throw error;
  }
}
