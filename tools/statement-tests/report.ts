/**
 * Reads the test runner's answer (">>> Test passed!" or ">>>>> Test failed: <message>") and says
 * in the case's own terms what failed: which object (statement, file and line), which expected
 * row, and what ksqlDB wrote instead. The runner stops at the first difference of a run.
 */
import type { KsqlStatement } from '../../ksql-language/parser';
import type { RowOrigin, RunnerFiles } from './build';
import type { ExpectedRow } from './case';

export type RunnerVerdict =
  | { readonly passed: true }
  | { readonly passed: false; readonly lines: readonly string[] };

const PASSED = '>>> Test passed!';
const FAILED = '>>>>> Test failed: ';
/** Topic 'X', message 2: Expected <k, v> with timestamp=... but was <k, v> with timestamp=... */
const MESSAGE_MISMATCH = /^Topic '([^']+)', message (\d+): Expected (.*) but was (.*)$/s;
/** Topic X. Expected <3> records but it was <2>\nActual records: \n<k, v> with timestamp=... */
const COUNT_MISMATCH = /^Topic (\S+)\. Expected <(\d+)> records but it was <(\d+)>\s*(?:Actual records:\s*)?([\s\S]*)$/;

function where(origin: RowOrigin): string {
  const s = origin.statement;
  return `${s.name} (${s.file}:${s.line})`;
}

/** An expected row as the case file writes it, on one line. */
export function formatRow(row: ExpectedRow): string {
  const parts = [
    row.key === undefined ? 'no key' : `key ${JSON.stringify(row.key)}`,
    ...(row.window ? [`window ${row.window.type} ${new Date(row.window.start).toISOString()} .. ${new Date(row.window.end).toISOString()}`] : []),
    `value ${JSON.stringify(row.value)}`,
    ...(row.timestamp === undefined ? [] : [`timestamp ${row.timestamp}`]),
  ];
  return parts.join(', ');
}

/** The failure message of a run, from its stdout and stderr; undefined when it passed. */
export function runnerFailure(stdout: string, stderr: string): string | undefined {
  if (stdout.includes(PASSED)) return undefined;
  const all = `${stdout}\n${stderr}`;
  const at = all.indexOf(FAILED);
  if (at >= 0) return all.slice(at + FAILED.length).trim();
  const tail = all.trim().split('\n').slice(-15).join('\n');
  return `the test runner printed neither "${PASSED.trim()}" nor a failure; its last output:\n${tail || '(nothing)'}`;
}

/** Translates one failure message into lines that name the object and the expected row. */
export function explainFailure(message: string, files: RunnerFiles): string[] {
  const mismatch = MESSAGE_MISMATCH.exec(message);
  if (mismatch) {
    const [, topic, index, expected, actual] = mismatch;
    const origin = files.rowsByTopic.get(topic)?.[Number(index)];
    if (origin) {
      const count = files.rowsByTopic.get(topic)!.length;
      return [
        `${where(origin)}: expected row ${origin.row + 1} of ${count} differs`,
        `  expected: ${formatRow(origin.expected)}`,
        `  ksqlDB wrote: ${actual.trim()}`,
      ];
    }
    return [`topic ${topic}, row ${Number(index) + 1}: expected ${expected} but ksqlDB wrote ${actual}`];
  }
  const count = COUNT_MISMATCH.exec(message);
  if (count) {
    const [, topic, expectedCount, actualCount, actualText] = count;
    const rows = files.rowsByTopic.get(topic) ?? [];
    const name = rows[0] ? where(rows[0]) : `topic ${topic}`;
    const actual = actualText.split('\n').map((l) => l.trim()).filter((l) => l.length > 0);
    return [
      `${name}: expected ${expectedCount} rows, ksqlDB wrote ${actualCount}`,
      ...rows.map((r) => `  expected row ${r.row + 1}: ${formatRow(r.expected)}`),
      ...(actual.length > 0 ? actual.map((l, i) => `  ksqlDB row ${i + 1}: ${l}`) : ['  ksqlDB wrote no row']),
    ];
  }
  // Anything else is a statement or set-up error (a statement ksqlDB refused, a record it could not
  // serialize), whose message seldom names the statement: find it by what the message quotes.
  const named = statementNamedIn(message, files);
  return [
    named
      ? `while running ${named.kind} ${named.name} (${named.file}:${named.line}):`
      : `while running one of: ${files.ran.map((s) => `${s.name} (${s.file}:${s.line})`).join(', ')}:`,
    ...message.split('\n').slice(0, 20).map((l) => `  ${l}`),
  ];
}

/**
 * The statement a setup error is about: the one whose topic or name the message quotes, else the
 * only statement containing a word the message quotes ('SUMM' of "Can't find any functions with
 * the name 'SUMM'").
 */
function statementNamedIn(message: string, files: RunnerFiles): KsqlStatement | undefined {
  const byTopic = [...files.statementByTopic.entries()].find(([topic, s]) => message.includes(`'${topic}'`) || message.includes(s.name));
  if (byTopic) return byTopic[1];
  const quoted = [...message.matchAll(/['`]([A-Za-z_][A-Za-z0-9_]*)['`]/g)].map((m) => m[1]);
  for (const word of quoted) {
    const pattern = new RegExp(`\\b${word}\\b`, 'i');
    const holders = files.ran.filter((s) => pattern.test(s.statement));
    if (holders.length === 1) return holders[0];
  }
  return undefined;
}
