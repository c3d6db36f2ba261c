/**
 * Durations as Go's time.Duration prints them. The Docker provider parses the health check's
 * durations and writes them back to the state in that form, so "60s" in the configuration reads
 * back as "1m0s" and every plan shows a change; written in Go's form, a re-deploy is clean.
 */
export function goDuration(seconds: number): string {
  if (!Number.isInteger(seconds) || seconds < 0) {
    throw new RangeError(`goDuration: ${seconds} is not a whole, non-negative number of seconds`);
  }
  if (seconds === 0) return '0s';
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  // Go omits leading zero units but keeps the inner ones: 1h0m5s, 2m0s, 45s.
  if (h > 0) return `${h}h${m}m${s}s`;
  if (m > 0) return `${m}m${s}s`;
  return `${s}s`;
}
