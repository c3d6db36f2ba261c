import { spawn } from 'node:child_process';

/**
 * Runs a synthesized exec-form health check (['CMD', program, ...args]) the way Docker does, without
 * blocking this process (a server under test may live in it); killed, like Docker's, after the
 * container's health check timeout of 10 s. Output is stdout then stderr as they came, untrimmed.
 */
export function runHealthCheck(check: readonly string[]): Promise<{ code: number | null; output: string }> {
  const [kind, program, ...args] = check;
  if (kind !== 'CMD' || !program) throw new Error(`not an exec-form health check: ${JSON.stringify(check)}`);
  return new Promise((resolve, reject) => {
    const child = spawn(program, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}
