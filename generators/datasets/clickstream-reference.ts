/**
 * What the three clickstream datasets share: the HTTP status codes (clicks use only codes the
 * codes table defines, so the enrichment join always matches) and the user id range (clicks use
 * only ids the users table defines).
 */
export const CLICKSTREAM_CODES: ReadonlyArray<{ readonly code: number; readonly definition: string }> = [
  { code: 200, definition: 'Successful' },
  { code: 301, definition: 'Moved permanently' },
  { code: 302, definition: 'Redirect' },
  { code: 304, definition: 'Not modified' },
  { code: 400, definition: 'Bad request' },
  { code: 401, definition: 'Unauthorized' },
  { code: 403, definition: 'Forbidden' },
  { code: 404, definition: 'Page not found' },
  { code: 405, definition: 'Method not allowed' },
  { code: 406, definition: 'Not acceptable' },
  { code: 407, definition: 'Proxy authentication required' },
  { code: 500, definition: 'Internal server error' },
  { code: 503, definition: 'Service unavailable' },
];

/** Users are 1..N on both sides of the join; N is the `--users` flag of clickstream and clickstream_users. */
export const DEFAULT_CLICKSTREAM_USERS = 40;
