/**
 * Node's `--trace-gc` lines, read back into pauses, so that bench:payments can say how much of a
 * run the API spent stopped for garbage collection. A line reads
 * `[pid:0x…]   1234 ms: Scavenge 3.9 (4.0) -> 3.5 (5.0) MB, 1.19 / 0.00 ms  (…) allocation failure;`
 * where 1234 is milliseconds since the isolate started and 1.19 the main thread's pause.
 */
export interface GcPause {
  /** Milliseconds since the isolate started. */
  readonly atMs: number;
  /** Scavenge, Mark-Compact, Minor Mark-Compact, Mark-Compact (reduce), … as V8 names it. */
  readonly kind: string;
  readonly pauseMs: number;
}

const LINE = /^\[\d+:0x[0-9a-f]+\]\s+(\d+) ms: ([A-Za-z][A-Za-z -]*?(?: \(reduce\))?) [\d.]+ \([\d.]+\) -> [\d.]+ \([\d.]+\) MB, ([\d.]+) \/ [\d.]+ ms/;

/** The pause a `--trace-gc` line reports, or undefined for any other line. */
export function parseGcLine(line: string): GcPause | undefined {
  const match = LINE.exec(line);
  if (match === null) return undefined;
  return { atMs: Number(match[1]), kind: match[2], pauseMs: Number(match[3]) };
}

export interface GcSummary {
  readonly kinds: ReadonlyArray<{ readonly kind: string; readonly count: number; readonly pauseMs: number }>;
  readonly pauseMs: number;
}

/** The pauses from `fromMs` (inclusive) to `toMs` (exclusive), in isolate time, by kind. */
export function summarizeGc(pauses: readonly GcPause[], fromMs: number, toMs: number): GcSummary {
  const byKind = new Map<string, { count: number; pauseMs: number }>();
  let total = 0;
  for (const pause of pauses) {
    if (pause.atMs < fromMs || pause.atMs >= toMs) continue;
    const kind = byKind.get(pause.kind) ?? { count: 0, pauseMs: 0 };
    kind.count++;
    kind.pauseMs += pause.pauseMs;
    byKind.set(pause.kind, kind);
    total += pause.pauseMs;
  }
  return { kinds: [...byKind].map(([kind, k]) => ({ kind, ...k })), pauseMs: total };
}

/** `GC 41.2 ms stopped (4.1 ms/s): Scavenge 120 × 0.31 ms, Mark-Compact 1 × 3.70 ms`. */
export function formatGcSummary(summary: GcSummary, seconds: number): string {
  const kinds = summary.kinds.map((k) => `${k.kind} ${k.count} × ${(k.pauseMs / k.count).toFixed(2)} ms`).join(', ');
  return `GC ${summary.pauseMs.toFixed(1)} ms stopped (${(summary.pauseMs / seconds).toFixed(1)} ms/s)${kinds === '' ? ': no collection' : `: ${kinds}`}`;
}
