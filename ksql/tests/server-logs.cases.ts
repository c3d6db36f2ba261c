/**
 * Statement tests of ksql/server-logs.sql, run by ksqlDB's own test runner
 * (`npm run test:statements -- server-logs`). Times are minutes after 2026-01-01T00:00Z; the
 * 1-minute tumbling windows start on the minute.
 */
import { double, type InputRecord, type PipelineCases } from '../../tools/statement-tests/case';

const T0 = Date.UTC(2026, 0, 1);
const MINUTE = 60_000;

function log(host: string, ts: number, status: number, service = 'checkout', latency = 20): InputRecord {
  return {
    into: 'SERVER_LOGS',
    key: host,
    value: { ts, host, service, method: 'GET', path: '/cart', status, latency_ms: latency, message: `status ${status} at ${ts - T0}` },
  };
}

function anomaly(host: string, windowStart: number, count: number, lastTs: number) {
  return {
    key: host,
    window: { type: 'TIME' as const, start: windowStart, end: windowStart + MINUTE },
    value: { HOST: host, WINDOW_START: windowStart, WINDOW_END: windowStart + MINUTE, ERROR_COUNT: count, LAST_ERROR_MESSAGE: `status 500 at ${lastTs - T0}` },
  };
}

export const cases: PipelineCases = {
  pipeline: 'server-logs',
  cases: [
    {
      name: 'the anomaly: 5 errors (status >= 500) of one host in a minute make a row, 4 do not',
      inputs: [
        // host-4: 4 errors and a 499 in the first minute: no anomaly.
        log('host-4', T0 + 1_000, 500),
        log('host-4', T0 + 2_000, 500),
        log('host-4', T0 + 3_000, 500),
        log('host-4', T0 + 4_000, 499),
        log('host-4', T0 + 5_000, 500),
        // host-5: the fifth error of the minute makes the row, a sixth updates it.
        log('host-5', T0 + 10_000, 500),
        log('host-5', T0 + 11_000, 500),
        log('host-5', T0 + 12_000, 500),
        log('host-5', T0 + 13_000, 500),
        log('host-5', T0 + 59_999, 500),
        log('host-5', T0 + 59_999, 500),
        // host-split: 3 errors at the end of minute 2, 2 at the start of minute 3: no window holds 5.
        log('host-split', T0 + 2 * MINUTE - 3_000, 500),
        log('host-split', T0 + 2 * MINUTE - 2_000, 500),
        log('host-split', T0 + 2 * MINUTE - 1, 500),
        log('host-split', T0 + 2 * MINUTE, 500),
        log('host-split', T0 + 2 * MINUTE + 1_000, 500),
      ],
      expect: {
        SERVER_ERROR_ANOMALIES: [anomaly('host-5', T0, 5, T0 + 59_999), anomaly('host-5', T0, 6, T0 + 59_999)],
      },
    },
    {
      name: 'server errors are the events of status 500 and above; counts per status and per service minute',
      inputs: [
        log('web-1', T0 + 1_000, 200, 'search', 10),
        log('web-1', T0 + 2_000, 499, 'search', 30),
        log('web-2', T0 + 3_000, 500, 'search', 50),
        log('web-2', T0 + 4_000, 200, 'cart', 5),
        log('web-1', T0 + MINUTE, 503, 'search', 20),
      ],
      expect: {
        SERVER_ERRORS: [
          { key: 'web-2', value: { TS: T0 + 3_000, SERVICE: 'search', METHOD: 'GET', PATH: '/cart', STATUS: 500, LATENCY_MS: 50, MESSAGE: 'status 500 at 3000' } },
          { key: 'web-1', value: { TS: T0 + MINUTE, SERVICE: 'search', METHOD: 'GET', PATH: '/cart', STATUS: 503, LATENCY_MS: 20, MESSAGE: 'status 503 at 60000' } },
        ],
        // A running count per status since the start, keyed by the status.
        SERVER_EVENTS_PER_STATUS: [
          { key: 200, value: { STATUS: 200, EVENT_COUNT: 1, LAST_EVENT_TS: T0 + 1_000 } },
          { key: 499, value: { STATUS: 499, EVENT_COUNT: 1, LAST_EVENT_TS: T0 + 2_000 } },
          { key: 500, value: { STATUS: 500, EVENT_COUNT: 1, LAST_EVENT_TS: T0 + 3_000 } },
          { key: 200, value: { STATUS: 200, EVENT_COUNT: 2, LAST_EVENT_TS: T0 + 4_000 } },
          { key: 503, value: { STATUS: 503, EVENT_COUNT: 1, LAST_EVENT_TS: T0 + MINUTE } },
        ],
        // Per service and minute: requests, errors (>= 500 only), average and largest latency.
        SERVER_REQUESTS_PER_MINUTE: [
          requests('search', T0, 1, 0, 10, 10),
          requests('search', T0, 2, 0, 20, 30),
          requests('search', T0, 3, 1, 30, 50),
          requests('cart', T0, 1, 0, 5, 5),
          requests('search', T0 + MINUTE, 1, 1, 20, 20),
        ],
      },
    },
  ],
};

function requests(service: string, windowStart: number, count: number, errors: number, avgLatency: number, maxLatency: number) {
  return {
    key: service,
    window: { type: 'TIME' as const, start: windowStart, end: windowStart + MINUTE },
    value: {
      SERVICE: service,
      WINDOW_START: windowStart,
      WINDOW_END: windowStart + MINUTE,
      REQUEST_COUNT: count,
      ERROR_COUNT: errors,
      AVG_LATENCY_MS: double(avgLatency),
      MAX_LATENCY_MS: maxLatency,
    },
  };
}
