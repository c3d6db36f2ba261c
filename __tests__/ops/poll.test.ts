/**
 * ops/poll.ts: the wait loop's sleeps. Two appliers whose statements fenced each other must not
 * retry in step, so a jittered wait sleeps a random 0.5 to 1.5 intervals; a plain one sleeps one.
 */
import { done, pending, poll, type Attempt } from '../../ops/poll';
import { TIMEOUTS } from '../../ops/timeouts';

const slept: number[] = [];
jest.mock('../../ops/http-json', () => ({
  ...jest.requireActual<object>('../../ops/http-json'),
  sleep: (ms: number) => {
    slept.push(ms);
    return Promise.resolve();
  },
}));

function attempts(pendingCount: number): () => Promise<Attempt<string>> {
  let n = 0;
  return () => Promise.resolve(n++ < pendingCount ? pending(`attempt ${n}`) : done('ok'));
}

const base = { timeoutMs: 60_000, setting: TIMEOUTS.ksql.commandTimeoutMs, intervalMs: 1_000, timedOut: (last: string) => last, fix: 'fix' };

beforeEach(() => {
  slept.length = 0;
});

afterEach(() => jest.restoreAllMocks());

it('sleeps one interval between attempts', async () => {
  await expect(poll(attempts(3), base)).resolves.toBe('ok');
  expect(slept).toEqual([1_000, 1_000, 1_000]);
});

it('with jitter, sleeps between half and one and a half intervals, as Math.random says', async () => {
  const random = jest.spyOn(Math, 'random');
  for (const r of [0, 0.25, 0.999]) random.mockReturnValueOnce(r);
  await expect(poll(attempts(3), { ...base, jitter: true })).resolves.toBe('ok');
  expect(slept).toEqual([500, 750, 1_499]);
});

it('with a maximum interval, doubles the interval after each attempt up to it', async () => {
  await expect(poll(attempts(5), { ...base, maxIntervalMs: 5_000 })).resolves.toBe('ok');
  expect(slept).toEqual([1_000, 2_000, 4_000, 5_000, 5_000]);
});

it('jitters the grown interval, not the first one', async () => {
  const random = jest.spyOn(Math, 'random');
  for (const r of [0, 0, 0.999]) random.mockReturnValueOnce(r);
  await expect(poll(attempts(3), { ...base, jitter: true, maxIntervalMs: 8_000 })).resolves.toBe('ok');
  expect(slept).toEqual([500, 1_000, 5_996]);
});
