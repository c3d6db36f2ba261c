import { rename, writeFile } from 'node:fs/promises';

/**
 * What the health file holds: epoch seconds first, which the container's check reads with bash
 * builtins alone (platform/app-healthchecks.ts), then the ISO time for a person reading it.
 */
export function healthFileLine(now: Date = new Date()): string {
  return `${Math.floor(now.getTime() / 1000)} ${now.toISOString()}\n`;
}

/**
 * Writes the health file every `intervalMs` while `healthy()` holds; the container health check
 * fails once its time is older than the check's limit. Written beside and renamed over, so the
 * check never reads a file cut short.
 */
export function startHealthFile(path: string, healthy: () => boolean, intervalMs = 5000): () => void {
  const next = `${path}.next`;
  const touch = (): void => {
    if (healthy()) {
      writeFile(next, healthFileLine())
        .then(() => rename(next, path))
        .catch((error: unknown) => process.stderr.write(`cannot write health file ${path}: ${String(error)}\n`));
    }
  };
  touch();
  const timer = setInterval(touch, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
