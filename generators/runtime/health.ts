import { writeFile } from 'node:fs/promises';

/**
 * Touches a file every `intervalMs` while `healthy()` holds; the container health check
 * (generators/healthcheck.ts) fails once the file is older than its limit.
 */
export function startHealthFile(path: string, healthy: () => boolean, intervalMs = 5000): () => void {
  const touch = (): void => {
    if (healthy()) writeFile(path, `${new Date().toISOString()}\n`).catch((error: unknown) => process.stderr.write(`cannot write health file ${path}: ${String(error)}\n`));
  };
  touch();
  const timer = setInterval(touch, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
