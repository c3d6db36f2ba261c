/**
 * What one synthesized stack changes against another, by Terraform address, so that a snapshot of a
 * configuration shows only where it differs from the default stack and a change to the shared
 * part shows once, in the default's snapshot.
 */
import type { Json } from './synth';

/** A changed leaf, or the items a list of plain values gained and lost. */
export type Change = { readonly from: unknown; readonly to: unknown } | { readonly added: unknown[]; readonly removed: unknown[] };

export interface StackDiff {
  /** Blocks only in the other stack, in full. */
  readonly added: Record<string, unknown>;
  /** Addresses of blocks only in the base stack. */
  readonly removed: string[];
  /** Per address present in both: the changed attributes by path (`env`, `healthcheck.0.test`). */
  readonly changed: Record<string, Record<string, Change>>;
}

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const isPlain = (v: unknown): boolean => v === null || typeof v !== 'object';

/** Every block by address: resource.<type>.<name> and data.<type>.<name> are two levels deep, output.<name> and the rest one. */
export function blocksOf(tf: Json): Map<string, unknown> {
  const blocks = new Map<string, unknown>();
  for (const [section, body] of Object.entries(tf)) {
    if (!isObject(body)) {
      blocks.set(section, body);
      continue;
    }
    const twoLevels = section === 'resource' || section === 'data';
    for (const [key, value] of Object.entries(body)) {
      if (twoLevels && isObject(value)) for (const [name, block] of Object.entries(value)) blocks.set(`${section}.${key}.${name}`, block);
      else blocks.set(`${section}.${key}`, value);
    }
  }
  return blocks;
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** The changed attributes of one block, by dotted path. */
export function attributeChanges(from: unknown, to: unknown, path = '', out: Record<string, Change> = {}): Record<string, Change> {
  if (sameJson(from, to)) return out;
  const at = path || '(value)';
  if (isObject(from) && isObject(to)) {
    for (const key of [...new Set([...Object.keys(from), ...Object.keys(to)])].sort()) {
      attributeChanges(from[key], to[key], path ? `${path}.${key}` : key, out);
    }
  } else if (Array.isArray(from) && Array.isArray(to) && [...from, ...to].every(isPlain)) {
    // Lists of plain values (env, command, depends_on) read best as what came and went.
    const added = to.filter((v) => !from.includes(v));
    const removed = from.filter((v) => !to.includes(v));
    out[at] = added.length || removed.length ? { added, removed } : { from, to };
  } else if (Array.isArray(from) && Array.isArray(to) && from.length === to.length) {
    from.forEach((item, i) => attributeChanges(item, to[i], path ? `${path}.${i}` : String(i), out));
  } else {
    out[at] = { from, to };
  }
  return out;
}

/** What `other` adds, removes and changes against `base`, addresses sorted. */
export function stackDiff(base: Json, other: Json): StackDiff {
  const before = blocksOf(base);
  const after = blocksOf(other);
  const added: Record<string, unknown> = {};
  const changed: Record<string, Record<string, Change>> = {};
  for (const address of [...after.keys()].sort()) {
    if (!before.has(address)) added[address] = after.get(address);
    else if (!sameJson(before.get(address), after.get(address))) changed[address] = attributeChanges(before.get(address), after.get(address));
  }
  const removed = [...before.keys()].filter((address) => !after.has(address)).sort();
  return { added, removed, changed };
}
