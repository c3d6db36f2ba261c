/**
 * Runs Terraform/OpenTofu with its output shown as it comes and kept, so that the rehearsal can
 * repeat the errors of a failed apply at its very end: a CI log is often read from its tail, and
 * the destroy that follows a failed apply prints hundreds of lines after the error.
 */
import { spawn } from 'node:child_process';
import type { TimedLine } from './apply-timeline';

export interface TeeResult {
  readonly status: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly output: string;
  /** Its standard output's lines, each with when it was read (the apply timeline's clock). */
  readonly lines: readonly TimedLine[];
  /**
   * CPU seconds (user + system) of the program and every process it started and waited for: for
   * an apply, Terraform, its providers and the appliers its provisioners run (not the containers).
   */
  readonly cpuSeconds: number | undefined;
}

/** bash's `times`: its own user/system times, then its children's; "1m2.500s 0m0.250s" each. */
export function childrenCpuSeconds(times: string): number | undefined {
  const children = times.trim().split('\n')[1];
  const parts = children ? [...children.matchAll(/(\d+)m(\d+(?:\.\d+)?)s/g)] : [];
  if (parts.length !== 2) return undefined;
  return parts.reduce((sum, p) => sum + Number(p[1]) * 60 + Number(p[2]), 0);
}

/** Splits a stream into lines as they arrive, stamping each with the time its end was read. */
function lineClock(startedAt: number): { readonly feed: (chunk: Buffer) => void; readonly end: () => TimedLine[] } {
  const lines: TimedLine[] = [];
  let partial = '';
  return {
    feed: (chunk) => {
      const parts = (partial + chunk.toString('utf8')).split('\n');
      partial = parts.pop() ?? '';
      const atMs = Date.now() - startedAt;
      for (const line of parts) lines.push({ atMs, line: line.replace(/\r$/, '') });
    },
    end: () => (partial ? [...lines, { atMs: Date.now() - startedAt, line: partial }] : lines),
  };
}

/** Runs the program, copying its stdout and stderr through while keeping both (interleaved). */
export function runTee(program: string, args: readonly string[], env: NodeJS.ProcessEnv, cwd: string): Promise<TeeResult> {
  return new Promise((resolve, reject) => {
    // bash runs the program and then reports its children's CPU times on fd 3 (rusage of waited descendants).
    const child = spawn('bash', ['-c', '"$@"; status=$?; times >&3; exit $status', 'bash', program, ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    const times: Buffer[] = [];
    const [, stdout, stderr, timesPipe] = child.stdio;
    if (!stdout || !stderr || !timesPipe) throw new Error('spawn gave no pipes for the piped streams');
    timesPipe.on('data', (c: Buffer) => times.push(c));
    const clock = lineClock(Date.now());
    stdout.on('data', (c: Buffer) => {
      chunks.push(c);
      clock.feed(c);
      process.stdout.write(c);
    });
    stderr.on('data', (c: Buffer) => {
      chunks.push(c);
      process.stderr.write(c);
    });
    child.on('error', reject);
    child.on('close', (status, signal) =>
      resolve({ status, signal, output: Buffer.concat(chunks).toString('utf8'), lines: clock.end(), cpuSeconds: childrenCpuSeconds(Buffer.concat(times).toString('utf8')) }),
    );
  });
}

/**
 * Lines an error block keeps at most: its head (the resource and the provisioner's command) and its
 * tail, where a failed provisioner prints its final error; a retry loop's middle is what goes.
 */
const BLOCK_HEAD_LINES = 12;
const BLOCK_TAIL_LINES = 28;

/** A block cut to its head and tail, saying how many lines between them were left out. */
function shortened(block: readonly string[]): string[] {
  if (block.length <= BLOCK_HEAD_LINES + BLOCK_TAIL_LINES) return [...block];
  const left = block.length - BLOCK_HEAD_LINES - BLOCK_TAIL_LINES;
  return [...block.slice(0, BLOCK_HEAD_LINES), `... (${left} lines left out here; the whole block is in the log above)`, ...block.slice(-BLOCK_TAIL_LINES)];
}

/**
 * The `Error: ...` blocks of Terraform's output (-no-color): from each line starting with
 * "Error:" up to the next blank line that is followed by another diagnostic or the end, at most
 * BLOCK_HEAD_LINES + BLOCK_TAIL_LINES lines each. Terraform separates a diagnostic's parts with single blank lines, so
 * a block ends at a line that starts a new diagnostic ("Error:", "Warning:") or at two blank lines.
 */
export function errorBlocks(output: string): string[] {
  const lines = output.replace(/\r/g, '').split('\n').map((l) => l.replace(/^[│╷╵] ?/, ''));
  const blocks: string[] = [];
  let current: string[] | undefined;
  let blanks = 0;
  const close = (): void => {
    if (current) {
      while (current.length && current[current.length - 1].trim() === '') current.pop();
      blocks.push(shortened(current).join('\n'));
    }
    current = undefined;
  };
  for (const line of lines) {
    if (/^Error: /.test(line)) {
      close();
      current = [line];
      blanks = 0;
    } else if (current) {
      if (/^Warning: /.test(line)) close();
      else {
        blanks = line.trim() === '' ? blanks + 1 : 0;
        if (blanks >= 2) close();
        else current.push(line);
      }
    }
  }
  close();
  return blocks;
}
