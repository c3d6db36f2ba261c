import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { PROJECT_ROOT } from '../lib/project-root';

function listFiles(root: string, path: string): string[] {
  const full = join(root, path);
  if (!statSync(full, { throwIfNoEntry: false })) return [];
  if (statSync(full).isFile()) return [path];
  return readdirSync(full)
    .sort()
    .flatMap((entry) => listFiles(root, join(path, entry)));
}

/**
 * sha256 over the relative paths and contents of the given files and folders, so a changed
 * Dockerfile or source rebuilds an image while the hash stays the same on every machine.
 */
export function sourceHash(paths: readonly string[], root: string = PROJECT_ROOT): string {
  const hash = createHash('sha256');
  for (const file of paths.flatMap((p) => listFiles(root, p))) {
    hash.update(relative(root, join(root, file)).split('\\').join('/'));
    hash.update('\0');
    hash.update(readFileSync(join(root, file)));
    hash.update('\0');
  }
  return hash.digest('hex');
}
