/**
 * The README's generated blocks: a table between `<!-- readme:tables <name> -->` and
 * `<!-- /readme:tables -->`, written by `npm run readme:tables` and nowhere else.
 */
import type { ReadmeTable } from './tables';

const START = (table: ReadmeTable): string => `<!-- readme:tables ${table} -->`;
const END = '<!-- /readme:tables -->';

/** Where the block's content starts and ends in `readme`, or undefined when its markers are missing. */
function blockRange(readme: string, table: ReadmeTable): { readonly from: number; readonly to: number } | undefined {
  const start = readme.indexOf(START(table));
  if (start < 0) return undefined;
  const from = start + START(table).length;
  const to = readme.indexOf(END, from);
  return to < 0 ? undefined : { from, to };
}

/** The table between the markers, without the line breaks around it; undefined when the markers are missing. */
export function readmeBlock(readme: string, table: ReadmeTable): string | undefined {
  const range = blockRange(readme, table);
  return range && readme.slice(range.from, range.to).trim();
}

/** `readme` with the table between the markers replaced by `rendered`. */
export function withBlock(readme: string, table: ReadmeTable, rendered: string): string {
  const range = blockRange(readme, table);
  if (!range) throw new Error(missingBlock(table));
  return `${readme.slice(0, range.from)}\n\n${rendered}\n\n${readme.slice(range.to)}`;
}

const missingBlock = (table: ReadmeTable): string =>
  `README.md has no ${table} table between ${START(table)} and ${END} — put the markers back around the table, then run npm run readme:tables`;

/** One line when README.md's block differs from the rendered table (or is missing), else undefined. */
export function staleBlock(readme: string, table: ReadmeTable, rendered: string): string | undefined {
  const block = readmeBlock(readme, table);
  if (block === undefined) return missingBlock(table);
  return block === rendered.trim() ? undefined : `README.md's ${table} table (${START(table)}) is stale: it differs from the declarations — run npm run readme:tables`;
}
