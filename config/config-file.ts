/** Reading the JSON config file: its errors name the file and say how to fix it. */
import { duplicateKeyName, scanJsonText } from '../lib/json-text-scan';
import { shorten } from '../lib/shorten';
import { readRegularFile } from './regular-file';
import { ConfigError } from './validate';

/**
 * Deepest nesting a config file may have. The settings go three levels deep
 * (kafka.external.bootstrapServers); the limit leaves room for that and keeps the recursive
 * merge and checks far from the stack limit, which a file nested thousands deep would overflow.
 */
export const MAX_CONFIG_DEPTH = 8;

/** How deep objects and arrays nest in JSON text, counting no brackets inside strings; stops early past `limit`. */
export function jsonDepth(text: string, limit: number): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length && deepest <= limit; i++) {
    const ch = text[i];
    if (inString) {
      if (ch === '\\') i++;
      else if (ch === '"') inString = false;
    } else if (ch === '"') inString = true;
    else if (ch === '{' || ch === '[') deepest = Math.max(deepest, ++depth);
    else if (ch === '}' || ch === ']') depth--;
  }
  return deepest;
}

/**
 * The parsed config file. `label` names it in messages ("file lab.config.json"); `fix` says what to
 * do when it cannot be read (point LAB_CONFIG elsewhere, or remove the file that is in the way).
 */
export function readConfigFile(path: string, label: string, fix: string): unknown {
  const read = readRegularFile(path);
  if (!read.ok) throw new ConfigError([`${label}: '${shorten(path)}' ${read.problem}; ${fix}`]);
  const text = read.text;
  // Checked on the text, before parsing: nothing recursive has seen the value yet.
  if (jsonDepth(text, MAX_CONFIG_DEPTH) > MAX_CONFIG_DEPTH) {
    throw new ConfigError([`${label}: got objects or arrays nested more than ${MAX_CONFIG_DEPTH} levels deep; allowed: at most ${MAX_CONFIG_DEPTH} (the settings go 3 deep, e.g. kafka.external.bootstrapServers)`]);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new ConfigError([`${label} ('${shorten(path)}'): not valid JSON (${(e as Error).message}); fix the file or ${fix.replace(/^./, (c) => c.toLowerCase())}`]);
  }
  // Without integerKeys the only problem the scan reports is a duplicate key.
  const duplicate = scanJsonText(text);
  if (duplicate?.kind === 'duplicate-key') {
    throw new ConfigError([
      `${shorten(duplicateKeyName(duplicate))} (from ${label}): set twice, on lines ${duplicate.firstLine} and ${duplicate.line}; ` +
        'JSON readers disagree on which one counts (this one would take the last), so keep exactly one',
    ]);
  }
  return parsed;
}
