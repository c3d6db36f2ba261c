/**
 * Cuts a value echoed in an error message. A 50 MB bad value echoed whole pushes the rest of the
 * message (what is allowed, the other problems) past what a pipe or a terminal keeps.
 */

/** How much of an echoed value a message shows. */
export const ECHO_LIMIT = 200;

/** `text` itself when short; else its first `limit` characters, "…" and its length. */
export function shorten(text: string, limit: number = ECHO_LIMIT): string {
  if (text.length <= limit) return text;
  // Not between the two halves of a surrogate pair: half a character is no character.
  const code = text.charCodeAt(limit - 1);
  const end = code >= 0xd800 && code <= 0xdbff ? limit - 1 : limit;
  return `${text.slice(0, end)}… (${text.length} characters)`;
}
