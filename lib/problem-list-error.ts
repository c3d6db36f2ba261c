/**
 * An error that reports every problem found in one pass, so that a user fixes them all at once:
 * `<subject> (<n> problem[s]):` and one indented line per problem.
 */
export class ProblemListError extends Error {
  constructor(subject: string, lines: readonly string[]) {
    super(`${subject} (${lines.length} problem${lines.length === 1 ? '' : 's'}):\n${lines.map((line) => `  ${line}`).join('\n')}`);
  }
}
