/**
 * Strict parsing of an instant given on the command line. Date.parse is not used: V8 falls back to
 * a lenient legacy parser that turns "May 1", "x 1" or "1.5" into dates in 2001 without a word.
 */

/** What parseInstant accepts, for error messages. */
export const INSTANT_FORMS =
  'an ISO 8601 time with an offset (2024-01-01T00:00:00Z, 2024-01-01T02:00:00.5+02:00), an ISO 8601 date (2024-01-01, midnight UTC) or epoch milliseconds (1704067200000), from 1970 on';

/** The largest instant a JavaScript Date holds. */
const MAX_INSTANT_MS = 8.64e15;

// A time without an offset would be local time, which differs between machines: --seed with
// --start-time promises the same output everywhere, so the offset is required.
const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|([+-])(\d{2}):(\d{2})))?$/;

const daysIn = (year: number, month: number): number => new Date(Date.UTC(year, month, 0)).getUTCDate();

function parseIso(raw: string): number | undefined {
  const m = ISO.exec(raw);
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = [m[1], m[2], m[3], m[4], m[5], m[6]].map((part) => Number(part ?? 0));
  const millis = Number((m[7] ?? '').padEnd(3, '0').slice(0, 3));
  const offsetMinutes = m[9] === undefined ? 0 : (m[9] === '-' ? -1 : 1) * (Number(m[10]) * 60 + Number(m[11]));
  const inRange =
    month >= 1 && month <= 12 && day >= 1 && day <= daysIn(year, month) && hour <= 23 && minute <= 59 && second <= 59 && (m[10] === undefined || (Number(m[10]) <= 23 && Number(m[11]) <= 59));
  if (!inRange) return undefined;
  // Date.UTC maps years 0-99 to 1900-1999; those are before 1970 and rejected below anyway.
  return Date.UTC(year, month - 1, day, hour, minute, second, millis) - offsetMinutes * 60_000;
}

/** Epoch milliseconds of `raw` (see INSTANT_FORMS), or undefined when it is none of those forms. */
export function parseInstant(raw: string): number | undefined {
  const value = /^\d{1,16}$/.test(raw) ? Number(raw) : parseIso(raw);
  return value !== undefined && value >= 0 && value <= MAX_INSTANT_MS ? value : undefined;
}
