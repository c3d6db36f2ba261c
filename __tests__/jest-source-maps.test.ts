/**
 * Jest's code frames and stack traces must point at the line of the .ts source that failed. ts-jest
 * takes tsconfig.json's `"sourceMap": false` unless jest.config.js overrides it, and then every
 * frame points at a line of the transpiled output: TypeScript drops type-only lines (the interface
 * and type alias below), so the lines after them shift.
 */
import { readFileSync } from 'node:fs';

interface Located {
  readonly line: number;
  readonly column: number;
}

type LineFinder = (marker: string) => number;

const sourceLines = readFileSync(__filename, 'utf8').split('\n');

const lineOf: LineFinder = (marker) => sourceLines.findIndex((text) => text.includes(marker) && !text.includes('lineOf(')) + 1;

function thrownAt(error: Error): Located {
  const frame = /jest-source-maps\.test\.ts:(\d+):(\d+)/.exec(error.stack ?? '');
  if (!frame) throw new Error(`no frame of this file in the stack trace:\n${error.stack}`);
  return { line: Number(frame[1]), column: Number(frame[2]) };
}

describe('jest source maps', () => {
  it('reports the .ts line an error was created on', () => {
    const error = new Error('created here'); // marker: error-line
    expect(thrownAt(error).line).toBe(lineOf('marker: error-line'));
  });
});
