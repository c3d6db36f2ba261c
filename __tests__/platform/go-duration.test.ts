/**
 * Health-check durations are written the way Go's time.Duration prints them, because the Docker
 * provider reads them back in that form: anything else shows as a change on every plan.
 */
import { goDuration } from '../../platform/go-duration';
import { configWith, resourcesOf, SNAPSHOT_CONFIGS, synthStack } from '../support/synth';

/** Printed by Go 1.26: fmt.Print((time.Duration(s) * time.Second).String()). */
const GO_PRINTS: ReadonlyArray<[number, string]> = [
  [0, '0s'],
  [1, '1s'],
  [10, '10s'],
  [59, '59s'],
  [60, '1m0s'],
  [61, '1m1s'],
  [90, '1m30s'],
  [120, '2m0s'],
  [600, '10m0s'],
  [3599, '59m59s'],
  [3600, '1h0m0s'],
  [3605, '1h0m5s'],
  [86400, '24h0m0s'],
];

describe('goDuration', () => {
  it.each(GO_PRINTS)('%i s prints as Go prints it: %s', (seconds, printed) => {
    expect(goDuration(seconds)).toBe(printed);
  });

  it('refuses what is not a whole number of seconds', () => {
    expect(() => goDuration(1.5)).toThrow(RangeError);
    expect(() => goDuration(-1)).toThrow(RangeError);
  });
});

/** Go's canonical form of a whole number of seconds: units from the largest non-zero one down, no leading zeros. */
function isGoCanonical(text: string): boolean {
  const m = /^(?:([1-9]\d*)h)?(?:([1-9]\d*|0)m)?([1-9]\d*|0)s$/.exec(text);
  if (!m) return false;
  const [, h, min, s] = m;
  if (h !== undefined && min === undefined) return false;
  if (min !== undefined && (Number(min) >= 60 && h !== undefined)) return false;
  if (min !== undefined && Number(s) >= 60) return false;
  if (min === '0' && h === undefined) return false;
  if (min === undefined && Number(s) >= 60) return false;
  return true;
}

describe.each(Object.entries(SNAPSHOT_CONFIGS))('the %s stack', (_, overrides) => {
  const containers = resourcesOf(synthStack(configWith(overrides)), 'docker_container') as Record<string, { healthcheck: Record<string, unknown> }>;
  const durations = Object.entries(containers).flatMap(([name, c]) =>
    ['interval', 'timeout', 'start_period'].map((key) => [`${name}.${key}`, c.healthcheck[key]] as const),
  );

  it.each(durations)('%s is written as Go prints it back (%s)', (_name, value) => {
    expect(typeof value).toBe('string');
    expect(isGoCanonical(value as string)).toBe(true);
  });
});

describe('the canonical-form check itself', () => {
  it('accepts what Go prints and refuses what it does not', () => {
    for (const [, printed] of GO_PRINTS) expect(isGoCanonical(printed)).toBe(true);
    for (const bad of ['60s', '90s', '120s', '0m30s', '1h30s', '01s', '1m60s', '1.5s', '']) expect(isGoCanonical(bad)).toBe(false);
  });
});
