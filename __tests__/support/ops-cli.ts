/**
 * Two ways to run an ops CLI in a test: `callMain` calls its exported main() in-process, with
 * stdout and stderr captured (fast, for most cases); `spawnOps` runs the exact command the stack's
 * provisioners run (opsCommand), in a shell from the project root, to prove that path works.
 * `applyFailure` is the error an applier's step must fail with.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { opsCommand, type RestTool } from '../../constructs/rest-object';
import { ApplyError } from '../../ops/apply-error';

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

const ROOT = join(__dirname, '..', '..');

export function spawnOps(tool: RestTool, verb: 'apply' | 'delete', env: Record<string, string>): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawn(opsCommand(tool, verb), { cwd: ROOT, shell: true, env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

export type Main = (argv: readonly string[], env: NodeJS.ProcessEnv) => Promise<number>;

export async function callMain(main: Main, argv: readonly string[], env: NodeJS.ProcessEnv): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const out = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout += String(chunk);
    return true;
  });
  const err = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  });
  try {
    const code = await main(argv, env);
    return { code, stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

/** The ApplyError a step must fail with (the test fails when it succeeds or throws anything else). */
export async function applyFailure(step: Promise<unknown>): Promise<ApplyError> {
  const outcome = await step.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
  if (!('error' in outcome)) throw new Error(`expected the step to fail, but it returned ${JSON.stringify(outcome.value)}`);
  expect(outcome.error).toBeInstanceOf(ApplyError);
  return outcome.error as ApplyError;
}
