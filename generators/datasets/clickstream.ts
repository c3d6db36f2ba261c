/**
 * clickstream generator (Confluent's clickstream demo data): page views by users 1..N from their
 * own IPs, with status codes from the codes table and occasional very large downloads (so that
 * "high-bandwidth sessions > 500 MB" has something to find). In sessionize mode it clicks for
 * `--session-active-ms` and then pauses 1.5 times the session gap, so every user's session closes.
 */
import { booleanFlag, numberFlag, pause, records, type DatasetModule, type FlagSpec } from '../dataset-module';
import { CLICKSTREAM_CODES, DEFAULT_CLICKSTREAM_USERS } from './clickstream-reference';
import { clickstreamSchema } from './clickstream.schema';

const PAGES = ['/index.html', '/site/user_status.html', '/site/login.html', '/site/products.html', '/site/cart.html', '/site/checkout.html', '/images/logo-small.png', '/images/track.png', '/css/site.css', '/api/search?q=kafka'] as const;
const DOWNLOADS = ['/downloads/lab-vm.iso', '/downloads/dataset-2024.tar.gz', '/downloads/video-course.mp4'] as const;
/** Weighted towards success; every code is one the codes table defines. */
const STATUS_WEIGHTS: ReadonlyArray<{ readonly value: number; readonly weight: number }> = CLICKSTREAM_CODES.map(({ code }) => ({
  value: code,
  weight: code === 200 ? 60 : code === 302 || code === 304 ? 6 : code === 404 ? 5 : 1,
}));
const MB = 1024 * 1024;

export const CLICKSTREAM_FLAGS: readonly FlagSpec[] = [
  { name: 'users', kind: 'integer', default: DEFAULT_CLICKSTREAM_USERS, min: 1, max: 1_000_000, description: 'Clicking users 1..N (use the same N for clickstream_users --users)' },
  { name: 'sessionize', kind: 'boolean', description: 'Alternate active periods with pauses longer than the session gap' },
  { name: 'session-gap-ms', kind: 'integer', default: 30_000, min: 1, description: "The ksqlDB session window's inactivity gap; sessionize pauses 1.5 times it" },
  { name: 'session-active-ms', kind: 'integer', default: 60_000, min: 1, description: 'Sessionize: how long each active period lasts' },
  { name: 'download-probability', kind: 'number', default: 0.005, min: 0, max: 1, description: 'Probability per click of a 50-700 MB download' },
];

export const clickstreamModule: DatasetModule = {
  schema: clickstreamSchema,
  flags: CLICKSTREAM_FLAGS,
  create({ faker, flags }) {
    const sessionize = booleanFlag(flags, 'sessionize');
    const gapMs = numberFlag(flags, 'session-gap-ms');
    const activeMs = numberFlag(flags, 'session-active-ms');
    const downloadProbability = numberFlag(flags, 'download-probability');
    const users = Array.from({ length: numberFlag(flags, 'users') }, (_, i) => ({
      userid: i + 1,
      ips: Array.from({ length: faker.number.int({ min: 1, max: 2 }) }, () => faker.internet.ipv4()),
      agent: faker.internet.userAgent(),
    }));
    let activeSince: number | undefined;
    return {
      next(now) {
        if (sessionize) {
          activeSince ??= now;
          if (now - activeSince >= activeMs) {
            activeSince = undefined;
            return pause(Math.ceil(gapMs * 1.5));
          }
        }
        const user = faker.helpers.arrayElement(users);
        const download = faker.number.float({ min: 0, max: 1 }) < downloadProbability;
        const page = download ? faker.helpers.arrayElement(DOWNLOADS) : faker.helpers.arrayElement(PAGES);
        const status = download ? 200 : faker.helpers.weightedArrayElement(STATUS_WEIGHTS);
        return records({
          ip: faker.helpers.arrayElement(user.ips),
          userid: user.userid,
          remote_user: '-',
          request: `${faker.helpers.weightedArrayElement([{ value: 'GET', weight: 9 }, { value: 'POST', weight: 1 }])} ${page} HTTP/1.1`,
          status,
          bytes: download ? faker.number.int({ min: 50 * MB, max: 700 * MB }) : faker.number.int({ min: 200, max: 64 * 1024 }),
          agent: user.agent,
          referrer: faker.datatype.boolean({ probability: 0.6 }) ? `http://www.example.com${faker.helpers.arrayElement(PAGES)}` : '-',
          ts: now,
        });
      },
    };
  },
};
