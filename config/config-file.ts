/** Reading the JSON config file: its errors name the file and say how to fix it. */
import { readFileSync } from 'node:fs';
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

export function readConfigFile(path: string, label: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new ConfigError([`LAB_CONFIG: cannot read '${path}' (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); set LAB_CONFIG to an existing JSON file or unset it`]);
  }
  // Checked on the text, before parsing: nothing recursive has seen the value yet.
  if (jsonDepth(text, MAX_CONFIG_DEPTH) > MAX_CONFIG_DEPTH) {
    throw new ConfigError([`${label}: got objects or arrays nested more than ${MAX_CONFIG_DEPTH} levels deep; allowed: at most ${MAX_CONFIG_DEPTH} (the settings go 3 deep, e.g. kafka.external.bootstrapServers)`]);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new ConfigError([`config file '${path}': not valid JSON (${(e as Error).message}); fix the file or unset LAB_CONFIG`]);
  }
}
