/**
 * Statement tests of ksql/clickstream.sql (`npm run test:statements -- clickstream`): the two
 * stream-table joins, sessions (30-second gap) and bandwidth per session with the 500 MB limit,
 * and the error alert (more than 5 errors of a status within a minute).
 *
 * The runner feeds each query its records in the order below, so the reference tables' rows come
 * first: a click joins the user and status rows that exist when it arrives.
 */
import type { InputRecord, Json, PipelineCases } from '../../tools/statement-tests/case';

const T0 = Date.UTC(2026, 0, 1);
const SECOND = 1_000;

function user(id: number, username: string, city: string): InputRecord {
  return {
    into: 'CLICKSTREAM_USERS',
    key: String(id),
    value: { user_id: id, username, registered_at: T0 - 86_400_000, first_name: `First ${username}`, last_name: `Last ${username}`, city, level: 'Gold' },
  };
}

function code(status: number, definition: string): InputRecord {
  return { into: 'CLICKSTREAM_CODES', key: String(status), value: { code: status, definition } };
}

interface Click {
  readonly userid: number;
  readonly at: number;
  readonly status?: number;
  readonly bytes?: number;
  readonly request?: string;
  readonly ip?: string;
}

function clickValue(c: Click): { [field: string]: Json } {
  return {
    ip: c.ip ?? '10.0.0.1',
    userid: c.userid,
    remote_user: '-',
    request: c.request ?? 'GET /index.html HTTP/1.1',
    status: c.status ?? 200,
    bytes: c.bytes ?? 1_000,
    agent: 'test-agent',
    referrer: '-',
    ts: T0 + c.at,
  };
}

function click(c: Click): InputRecord {
  return { into: 'CLICKSTREAM', key: String(c.userid), value: clickValue(c) };
}

/** A session row of CLICK_USER_SESSIONS / USER_SESSION_BANDWIDTH / HIGH_BANDWIDTH_SESSIONS; value null: the session was merged away. */
function session(username: string, start: number, end: number, value: { [column: string]: Json } | null) {
  return {
    key: username,
    window: { type: 'SESSION' as const, start: T0 + start, end: T0 + end },
    value: value === null ? null : { USERNAME: username, SESSION_START: T0 + start, SESSION_END: T0 + end, ...value },
  };
}

export const cases: PipelineCases = {
  pipeline: 'clickstream',
  cases: [
    {
      name: 'joins: every click with its user (unknown user: null columns), every error (>= 400) with its status definition (unknown code: null)',
      inputs: [
        user(1, 'alice', 'Lisbon'),
        user(2, 'bob', 'Oslo'),
        code(404, 'Page not found'),
        code(500, 'Internal server error'),
        click({ userid: 1, at: 1 * SECOND, status: 200 }),
        click({ userid: 2, at: 2 * SECOND, status: 404, request: 'GET /missing.html HTTP/1.1' }),
        click({ userid: 3, at: 3 * SECOND, status: 500, ip: '10.0.0.3' }),
        click({ userid: 1, at: 4 * SECOND, status: 399 }),
        click({ userid: 1, at: 5 * SECOND, status: 400 }),
      ],
      expect: {
        USER_CLICKSTREAM: [
          joined(1, 'alice', 'Lisbon', { userid: 1, at: 1 * SECOND, status: 200 }),
          joined(2, 'bob', 'Oslo', { userid: 2, at: 2 * SECOND, status: 404, request: 'GET /missing.html HTTP/1.1' }),
          joined(3, null, null, { userid: 3, at: 3 * SECOND, status: 500, ip: '10.0.0.3' }),
          joined(1, 'alice', 'Lisbon', { userid: 1, at: 4 * SECOND, status: 399 }),
          joined(1, 'alice', 'Lisbon', { userid: 1, at: 5 * SECOND, status: 400 }),
        ],
        ENRICHED_ERROR_CODES: [
          enriched('Page not found', { userid: 2, at: 2 * SECOND, status: 404, request: 'GET /missing.html HTTP/1.1' }),
          enriched('Internal server error', { userid: 3, at: 3 * SECOND, status: 500, ip: '10.0.0.3' }),
          enriched(null, { userid: 1, at: 5 * SECOND, status: 400 }),
        ],
        ENRICHED_ERROR_CODES_COUNT: [
          { key: 404, window: { type: 'TIME', start: T0, end: T0 + 30 * SECOND }, value: { STATUS: 404, DEFINITION: 'Page not found', WINDOW_START: T0, WINDOW_END: T0 + 30 * SECOND, ERROR_COUNT: 1 } },
          { key: 500, window: { type: 'TIME', start: T0, end: T0 + 30 * SECOND }, value: { STATUS: 500, DEFINITION: 'Internal server error', WINDOW_START: T0, WINDOW_END: T0 + 30 * SECOND, ERROR_COUNT: 1 } },
          { key: 400, window: { type: 'TIME', start: T0, end: T0 + 30 * SECOND }, value: { STATUS: 400, DEFINITION: null, WINDOW_START: T0, WINDOW_END: T0 + 30 * SECOND, ERROR_COUNT: 1 } },
        ],
      },
    },
    {
      name: 'sessions end after a pause of more than 30 s (30 s exactly extends); bandwidth per session; high-bandwidth sessions are above 500,000,000 bytes',
      inputs: [
        user(1, 'alice', 'Lisbon'),
        click({ userid: 1, at: 0, bytes: 200_000_000 }),
        click({ userid: 1, at: 10 * SECOND, bytes: 300_000_000 }),
        // 30 s after the last click: the same session, now 1 byte over the limit.
        click({ userid: 1, at: 40 * SECOND, bytes: 1 }),
        // 30.001 s after the last click: a new session, over the limit with one click.
        click({ userid: 1, at: 70 * SECOND + 1, bytes: 600_000_000 }),
      ],
      expect: {
        CLICK_USER_SESSIONS: [
          session('alice', 0, 0, { EVENTS: 1 }),
          session('alice', 0, 0, null),
          session('alice', 0, 10 * SECOND, { EVENTS: 2 }),
          session('alice', 0, 10 * SECOND, null),
          session('alice', 0, 40 * SECOND, { EVENTS: 3 }),
          session('alice', 70 * SECOND + 1, 70 * SECOND + 1, { EVENTS: 1 }),
        ],
        USER_SESSION_BANDWIDTH: [
          session('alice', 0, 0, { TOTAL_BYTES: 200_000_000, EVENTS: 1 }),
          session('alice', 0, 0, null),
          session('alice', 0, 10 * SECOND, { TOTAL_BYTES: 500_000_000, EVENTS: 2 }),
          session('alice', 0, 10 * SECOND, null),
          session('alice', 0, 40 * SECOND, { TOTAL_BYTES: 500_000_001, EVENTS: 3 }),
          session('alice', 70 * SECOND + 1, 70 * SECOND + 1, { TOTAL_BYTES: 600_000_000, EVENTS: 1 }),
        ],
        HIGH_BANDWIDTH_SESSIONS: [
          session('alice', 0, 40 * SECOND, { TOTAL_BYTES: 500_000_001, EVENTS: 3 }),
          session('alice', 70 * SECOND + 1, 70 * SECOND + 1, { TOTAL_BYTES: 600_000_000, EVENTS: 1 }),
        ],
        BANDWIDTH_PER_MIN: [
          perMinute('alice', 0, 200_000_000),
          perMinute('alice', 0, 500_000_000),
          perMinute('alice', 0, 500_000_001),
          perMinute('alice', 60 * SECOND, 600_000_000),
        ],
      },
    },
    {
      name: 'the error alert: more than 5 errors of one status within a minute (6 make a row in each of the 3 hopping windows, 5 do not)',
      inputs: [
        ...[1, 2, 3, 4, 5].map((s) => click({ userid: 1, at: s * SECOND, status: 503 })),
        ...[1, 2, 3, 4, 5, 6].map((s) => click({ userid: 2, at: s * SECOND, status: 404 })),
      ],
      expect: {
        ERRORS_PER_MIN_ALERT: [-40, -20, 0].map((start) => ({
          key: 404,
          window: { type: 'TIME' as const, start: T0 + start * SECOND, end: T0 + (start + 60) * SECOND },
          value: { STATUS: 404, WINDOW_START: T0 + start * SECOND, WINDOW_END: T0 + (start + 60) * SECOND, ERRORS: 6 },
        })),
      },
    },
  ],
};

function joined(userid: number, username: string | null, city: string | null, c: Click) {
  const v = clickValue(c);
  return {
    key: String(userid),
    value: {
      USERNAME: username,
      FIRST_NAME: username === null ? null : `First ${username}`,
      LAST_NAME: username === null ? null : `Last ${username}`,
      CITY: city,
      LEVEL: username === null ? null : 'Gold',
      IP: v.ip,
      REQUEST: v.request,
      STATUS: v.status,
      BYTES: v.bytes,
      AGENT: v.agent,
      TS: v.ts,
    },
  };
}

function enriched(definition: string | null, c: Click) {
  const v = clickValue(c);
  return {
    key: String(c.status),
    value: { STATUS: v.status, DEFINITION: definition, USERID: String(c.userid), IP: v.ip, REQUEST: v.request, TS: v.ts },
  };
}

function perMinute(username: string, start: number, bytes: number) {
  return {
    key: username,
    window: { type: 'TIME' as const, start: T0 + start, end: T0 + start + 60 * SECOND },
    value: { USERNAME: username, WINDOW_START: T0 + start, WINDOW_END: T0 + start + 60 * SECOND, TOTAL_BYTES: bytes },
  };
}
