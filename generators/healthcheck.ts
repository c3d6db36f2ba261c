#!/usr/bin/env node
/**
 * Container health check of a generator: healthy (exit 0) while the generator's --health-file
 * is younger than the given number of seconds. Usage: healthcheck.js <health-file> [max-age-seconds=30]
 */
import { statSync } from 'node:fs';

export function checkHealthFile(path: string, maxAgeSeconds: number, now = Date.now()): { healthy: boolean; reason: string } {
  let modified: number;
  try {
    modified = statSync(path).mtimeMs;
  } catch {
    return { healthy: false, reason: `${path} does not exist: the generator has not delivered yet` };
  }
  const age = (now - modified) / 1000;
  return age <= maxAgeSeconds
    ? { healthy: true, reason: `${path} is ${age.toFixed(1)} s old` }
    : { healthy: false, reason: `${path} is ${age.toFixed(1)} s old (limit ${maxAgeSeconds} s): sends are stuck or failed` };
}

if (require.main === module) {
  const [path, maxAge = '30'] = process.argv.slice(2);
  const seconds = Number(maxAge);
  if (!path || !Number.isFinite(seconds) || seconds <= 0) {
    process.stderr.write('usage: healthcheck.js <health-file> [max-age-seconds > 0, default 30]\n');
    process.exit(2);
  }
  const result = checkHealthFile(path, seconds);
  (result.healthy ? process.stdout : process.stderr).write(`${result.reason}\n`);
  process.exit(result.healthy ? 0 : 1);
}
