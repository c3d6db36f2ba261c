/**
 * Reads a configuration input (the config file, a CA certificate) only when it is a regular file
 * of bounded size. A plain readFileSync hangs on a FIFO without a writer, reads /dev/zero until
 * memory runs out, and throws a bare EISDIR on a directory; synth must instead fail with a message.
 */
import { closeSync, constants, fstatSync, openSync, readSync, type Stats } from 'node:fs';

/** Larger than any config file or CA bundle (the system's whole CA bundle is about 220 KB). */
export const MAX_CONFIG_INPUT_BYTES = 1024 * 1024;

export type FileRead = { readonly ok: true; readonly text: string } | { readonly ok: false; readonly problem: string };

/** What a non-regular file is, in words. */
function kindOf(stats: Stats): string {
  if (stats.isDirectory()) return 'a directory';
  if (stats.isFIFO()) return 'a FIFO (named pipe)';
  if (stats.isCharacterDevice()) return 'a character device';
  if (stats.isBlockDevice()) return 'a block device';
  if (stats.isSocket()) return 'a socket';
  return 'not a regular file';
}

/** Why opening failed, in words; the code stays in the message for searching. */
function openProblem(error: NodeJS.ErrnoException): string {
  switch (error.code) {
    case 'ENOENT':
      return 'does not exist (or is a symbolic link to nothing) (ENOENT)';
    case 'ELOOP':
      return 'is a symbolic link that loops (ELOOP)';
    case 'EACCES':
    case 'EPERM':
      return `is not readable by this user (${error.code})`;
    case 'ENOTDIR':
      return 'has a path component that is not a directory (ENOTDIR)';
    default:
      return `cannot be opened (${error.code ?? error.message})`;
  }
}

/**
 * The UTF-8 text of `path` if it is a regular file of at most `maxBytes`, else what is wrong with it.
 * Opened non-blocking, so a FIFO does not wait for a writer; the type is then checked on the open
 * descriptor (fstat), so it cannot change between the check and the read.
 */
export function readRegularFile(path: string, maxBytes: number = MAX_CONFIG_INPUT_BYTES): FileRead {
  let fd: number;
  try {
    // O_NONBLOCK is undefined on Windows, where a FIFO cannot be named by a path anyway.
    fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (error) {
    return { ok: false, problem: openProblem(error as NodeJS.ErrnoException) };
  }
  try {
    const stats = fstatSync(fd);
    if (!stats.isFile()) return { ok: false, problem: `is ${kindOf(stats)}, not a regular file` };
    if (stats.size > maxBytes) return { ok: false, problem: `is ${stats.size} bytes; at most ${maxBytes} bytes are read` };
    // One byte more than allowed shows a file that grew after fstat.
    const buffer = Buffer.alloc(Math.min(stats.size, maxBytes) + 1);
    let length = 0;
    while (length < buffer.length) {
      const n = readSync(fd, buffer, length, buffer.length - length, null);
      if (n === 0) break;
      length += n;
    }
    if (length > maxBytes) return { ok: false, problem: `is more than ${maxBytes} bytes; at most ${maxBytes} bytes are read` };
    return { ok: true, text: buffer.toString('utf8', 0, length) };
  } catch (error) {
    return { ok: false, problem: `cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})` };
  } finally {
    closeSync(fd);
  }
}
