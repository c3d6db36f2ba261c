import { ProblemListError } from '../lib/problem-list-error';

/** A defect found in a ksqlDB script, reported as `<file>:<line>: <problem> — <fix>`. */
export interface ScriptProblem {
  readonly file: string;
  readonly line: number;
  readonly problem: string;
  readonly fix: string;
}

export function formatProblem(p: ScriptProblem): string {
  return `${p.file}:${p.line}: ${p.problem} — ${p.fix}`;
}

/** Every problem of a validation run, in one error, so a user fixes them all in one pass. */
export class KsqlScriptError extends ProblemListError {
  readonly problems: readonly ScriptProblem[];

  constructor(problems: readonly ScriptProblem[]) {
    const sorted = [...problems].sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line);
    super('ksqlDB scripts failed validation', sorted.map(formatProblem));
    this.name = 'KsqlScriptError';
    this.problems = sorted;
  }
}
