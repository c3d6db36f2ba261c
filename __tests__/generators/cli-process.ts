/** The real CLI entry spawned as a user runs it (through ts-node, as `npm run generate` does), for the CLI tests. */
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';

export const ROOT = resolve(__dirname, '../..');
export const CLI = ['--require', 'ts-node/register/transpile-only', 'generators/cli.ts'];

export const jsonLines = (stdout: string): Array<Record<string, unknown>> =>
  stdout
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => JSON.parse(line) as Record<string, unknown>);

/**
 * Runs the CLI with `args` (printing to stdout), sends SIGUSR1 after 20 records, waits until
 * `errors` records with a 5xx status have been printed, then SIGTERM: the exit code and stderr.
 */
export async function burstAndStop(args: readonly string[], errors: number): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, [...CLI, ...args], { cwd: ROOT });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const errorsSeen = (): number => jsonLines(stdout.slice(0, stdout.lastIndexOf('\n') + 1)).filter((log) => (log.status as number) >= 500).length;
  let signalled = false;
  await new Promise<void>((resolveBurst) =>
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (!signalled && stdout.split('\n').length > 20) {
        signalled = true;
        child.kill('SIGUSR1');
      }
      if (errorsSeen() >= errors) resolveBurst();
    }),
  );
  const exit = new Promise<number | null>((resolveExit) => child.on('exit', (code) => resolveExit(code)));
  child.kill('SIGTERM');
  return { code: await exit, stderr };
}
