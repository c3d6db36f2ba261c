/** bench/gc-trace.ts: Node's --trace-gc lines read back into pauses, and a run's share of them. */
import { execFileSync } from 'node:child_process';
import { formatGcSummary, parseGcLine, summarizeGc } from '../../bench/gc-trace';

const SCAVENGE = '[4749:0x3f165490]       26 ms: Scavenge 3.9 (4.0) -> 3.5 (5.0) MB, 1.19 / 0.00 ms  (average mu = 1.000, current mu = 1.000) allocation failure; ';
const MARK_COMPACT =
  '[4827:0x2a4e9490]      200 ms: Mark-Compact 58.3 (75.9) -> 48.3 (83.1) MB, 12.87 / 0.00 ms  (+ 7.9 ms in 23 steps since start of marking, biggest step 4.2 ms, walltime since start of marking 54 ms) (average mu = 1.000, current mu = 1.000) finalize incremental marking via task; GC in old space requested';

it('reads the time, the kind and the main-thread pause of a line', () => {
  expect(parseGcLine(SCAVENGE)).toEqual({ atMs: 26, kind: 'Scavenge', pauseMs: 1.19 });
  expect(parseGcLine(MARK_COMPACT)).toEqual({ atMs: 200, kind: 'Mark-Compact', pauseMs: 12.87 });
  expect(parseGcLine(MARK_COMPACT.replace('Mark-Compact', 'Mark-Compact (reduce)'))).toMatchObject({ kind: 'Mark-Compact (reduce)' });
  expect(parseGcLine('payments-api: listening on 127.0.0.1:8080')).toBeUndefined();
  expect(parseGcLine('')).toBeUndefined();
});

it('reads what this Node.js prints', () => {
  const out = execFileSync(process.execPath, ['--trace-gc', '-e', 'let a = []; for (let i = 0; i < 2e6; i++) { a.push({ i }); if (a.length > 1e5) a = []; }'], { encoding: 'utf8' });
  const lines = out.split('\n').filter((l) => l.includes(' ms: '));
  expect(lines.length).toBeGreaterThan(0);
  for (const line of lines) expect(parseGcLine(line)).toMatchObject({ kind: expect.stringMatching(/Scavenge|Mark/), pauseMs: expect.any(Number) });
});

it('sums the pauses of a window by kind, leaving out those before and at its end', () => {
  const pauses = [
    { atMs: 99, kind: 'Scavenge', pauseMs: 5 },
    { atMs: 100, kind: 'Scavenge', pauseMs: 1 },
    { atMs: 150, kind: 'Scavenge', pauseMs: 2 },
    { atMs: 180, kind: 'Mark-Compact', pauseMs: 10 },
    { atMs: 200, kind: 'Scavenge', pauseMs: 7 },
  ];
  const summary = summarizeGc(pauses, 100, 200);
  expect(summary).toEqual({
    kinds: [
      { kind: 'Scavenge', count: 2, pauseMs: 3 },
      { kind: 'Mark-Compact', count: 1, pauseMs: 10 },
    ],
    pauseMs: 13,
  });
  expect(formatGcSummary(summary, 2)).toBe('GC 13.0 ms stopped (6.5 ms/s): Scavenge 2 × 1.50 ms, Mark-Compact 1 × 10.00 ms');
  expect(formatGcSummary(summarizeGc(pauses, 0, 10), 1)).toBe('GC 0.0 ms stopped (0.0 ms/s): no collection');
});
