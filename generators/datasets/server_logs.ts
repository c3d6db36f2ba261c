/**
 * server_logs generator: steady web traffic over a fixed set of hosts, plus error bursts in which
 * one host logs a run of 5xx errors a millisecond apart, enough to trip the ">= 5 errors per host in
 * a 1-minute window" alert even when the burst straddles a window boundary (burst size >= 9).
 */
import type { Faker } from '@faker-js/faker';
import { numberFlag, booleanFlag, records, type DatasetModule, type DatasetRecord, type FlagSpec } from '../dataset-module';
import { serverLogsSchema } from './server_logs.schema';

const HOSTS = ['web-01', 'web-02', 'web-03', 'web-04', 'api-01', 'api-02', 'api-03', 'auth-01'] as const;
const SERVICES = ['frontend', 'catalog', 'checkout', 'accounts', 'search'] as const;
const METHODS = ['GET', 'GET', 'GET', 'GET', 'POST', 'POST', 'PUT', 'DELETE', 'PATCH'] as const;
const PATHS = ['/', '/login', '/logout', '/cart', '/checkout', '/search', '/api/v1/products', '/api/v1/orders', '/api/v1/users/me', '/health'] as const;
/** Weighted non-error statuses of ordinary traffic. */
const OK_STATUSES = [200, 200, 200, 200, 200, 200, 200, 201, 204, 301, 302, 304, 400, 401, 403, 404, 404] as const;
const ERROR_STATUSES = [500, 502, 503, 504] as const;
const ERROR_MESSAGES: Readonly<Record<(typeof ERROR_STATUSES)[number], readonly string[]>> = {
  500: ['Internal Server Error: unhandled exception in request handler', 'Internal Server Error: database connection pool exhausted'],
  502: ['Bad Gateway: upstream closed the connection', 'Bad Gateway: invalid response from upstream'],
  503: ['Service Unavailable: circuit breaker open', 'Service Unavailable: too many requests in flight'],
  504: ['Gateway Timeout: upstream timed out after 30000 ms', 'Gateway Timeout: no response from upstream'],
};
/** Share of 5xx in ordinary traffic: low enough that only bursts trip the per-host alert at lab rates. */
const BACKGROUND_ERROR_RATE = 0.005;

export const SERVER_LOGS_FLAGS: readonly FlagSpec[] = [
  { name: 'burst', kind: 'boolean', description: 'Start with an error burst on one host (SIGUSR1 triggers another at any time)' },
  {
    name: 'error-probability',
    kind: 'number',
    default: 0.002,
    min: 0,
    max: 1,
    description: 'Probability per record that an error burst starts (0 disables random bursts)',
  },
  { name: 'burst-size', kind: 'integer', default: 12, min: 5, max: 10_000, description: 'Errors per burst; >= 9 trips a 1-minute alert even across a window boundary' },
];

function logLine(faker: Faker, ts: number, host: string, status: number): DatasetRecord {
  const method = faker.helpers.arrayElement(METHODS);
  const path = faker.helpers.arrayElement(PATHS);
  const isError = status >= 500;
  const latency = isError ? faker.number.int({ min: 800, max: 30_000 }) : faker.number.int({ min: 2, max: 450 });
  const message = isError
    ? faker.helpers.arrayElement(ERROR_MESSAGES[status as (typeof ERROR_STATUSES)[number]])
    : `${method} ${path} ${status} ${latency}ms`;
  return { ts, host, service: faker.helpers.arrayElement(SERVICES), method, path, status, latency_ms: latency, message };
}

export const serverLogsModule: DatasetModule = {
  schema: serverLogsSchema,
  flags: SERVER_LOGS_FLAGS,
  create({ faker, flags }) {
    const errorProbability = numberFlag(flags, 'error-probability');
    const burstSize = numberFlag(flags, 'burst-size');
    let burstRequested = booleanFlag(flags, 'burst');
    return {
      trigger() {
        burstRequested = true;
      },
      next(now) {
        if (burstRequested || faker.number.float({ min: 0, max: 1 }) < errorProbability) {
          burstRequested = false;
          const host = faker.helpers.arrayElement(HOSTS);
          // One millisecond apart: a burst of >= 9 has >= 5 in one 1-minute window whatever the boundary.
          return records(...Array.from({ length: burstSize }, (_, i) => logLine(faker, now + i, host, faker.helpers.arrayElement(ERROR_STATUSES))));
        }
        const status = faker.number.float({ min: 0, max: 1 }) < BACKGROUND_ERROR_RATE ? faker.helpers.arrayElement(ERROR_STATUSES) : faker.helpers.arrayElement(OK_STATUSES);
        return records(logLine(faker, now, faker.helpers.arrayElement(HOSTS), status));
      },
    };
  },
};
