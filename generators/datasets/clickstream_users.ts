/** clickstream_users generator: users 1..N, all of them, then the same set again after each refresh interval. */
import { numberFlag, pause, records, type DatasetModule, type DatasetRecord } from '../dataset-module';
import { DEFAULT_CLICKSTREAM_USERS } from './clickstream-reference';
import { REFERENCE_REFRESH_FLAG } from './clickstream_codes';
import { clickstreamUsersSchema } from './clickstream_users.schema';

const LEVELS = ['Silver', 'Silver', 'Gold', 'Platinum'] as const;
const TWO_YEARS_MS = 2 * 365 * 24 * 3600 * 1000;

export const clickstreamUsersModule: DatasetModule = {
  schema: clickstreamUsersSchema,
  flags: [
    { name: 'users', kind: 'integer', default: DEFAULT_CLICKSTREAM_USERS, min: 1, max: 1_000_000, description: 'Users 1..N (use the same N for clickstream --users)' },
    REFERENCE_REFRESH_FLAG,
  ],
  create({ faker, flags }) {
    const count = numberFlag(flags, 'users');
    const refreshMs = numberFlag(flags, 'refresh-ms');
    // Drawn on the first pass (registration times are relative to the first event time) and re-sent unchanged.
    let users: DatasetRecord[] | undefined;
    let index = 0;
    return {
      next(now) {
        users ??= Array.from({ length: count }, (_, i) => {
          const firstName = faker.person.firstName();
          const lastName = faker.person.lastName();
          return {
            user_id: i + 1,
            username: faker.internet.username({ firstName, lastName }).toLowerCase(),
            registered_at: now - faker.number.int({ min: 3_600_000, max: TWO_YEARS_MS }),
            first_name: firstName,
            last_name: lastName,
            city: faker.location.city(),
            level: faker.helpers.arrayElement(LEVELS),
          };
        });
        if (index === users.length) {
          index = 0;
          return pause(refreshMs);
        }
        return records(users[index++]);
      },
    };
  },
};
