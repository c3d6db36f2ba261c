/**
 * Every health-check duration the stack writes must read back unchanged through Go's
 * time.ParseDuration and Duration.String, which is what the Docker provider does with them when it
 * refreshes its state: otherwise every plan after a deploy shows a change. Runs real Go (on this
 * machine and in CI); the unit tests check the same form without Go.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configWith, resourcesOf, SNAPSHOT_CONFIGS, synthStack } from '../../__tests__/support/synth';

const ROUND_TRIP = `package main

import (
	"fmt"
	"os"
	"time"
)

func main() {
	for _, text := range os.Args[1:] {
		d, err := time.ParseDuration(text)
		if err != nil {
			fmt.Println("error: " + err.Error())
			continue
		}
		fmt.Println(d.String())
	}
}
`;

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'go-durations-'));
  writeFileSync(join(dir, 'main.go'), ROUND_TRIP);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** What Go prints back for each duration. */
function goRoundTrip(durations: readonly string[]): string[] {
  return execFileSync('go', ['run', join(dir, 'main.go'), ...durations], { encoding: 'utf8', env: { ...process.env, GOFLAGS: '-mod=mod' } })
    .trim()
    .split('\n');
}

it('the round trip itself changes a duration Go would print otherwise', () => {
  expect(goRoundTrip(['60s', '1m0s'])).toEqual(['1m0s', '1m0s']);
});

it.each(Object.keys(SNAPSHOT_CONFIGS))('every health-check duration of the %s stack survives Go unchanged', (label) => {
  const containers = resourcesOf(synthStack(configWith(SNAPSHOT_CONFIGS[label])), 'docker_container') as Record<string, { healthcheck: Record<string, string> }>;
  const durations = Object.values(containers).flatMap((c) => [c.healthcheck.interval, c.healthcheck.timeout, c.healthcheck.start_period]);
  expect(durations.length).toBeGreaterThan(0);
  expect(goRoundTrip(durations)).toEqual(durations);
});
