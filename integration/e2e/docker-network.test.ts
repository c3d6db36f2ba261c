/**
 * bench/docker-engine.ts removeNetwork against this machine's Docker engine: a network a running
 * container still uses is refused with that container's name and left in place; once the container
 * is gone it is removed; an absent network is no error. (The stale-endpoint retries, which a real
 * engine cannot be made to show on demand, are tested on a fake engine in __tests__/bench.) Needs a
 * running Docker engine and lab-local/debian:bookworm (scripts/local-images/build.sh base).
 */
import { execFileSync } from 'node:child_process';
import { removeContainer, removeNetwork } from '../../bench/docker-engine';

const NETWORK = `netcheck${process.pid}-net`;
const CONTAINER = `netcheck${process.pid}-sleeper`;

function docker(...args: string[]): string {
  return execFileSync('docker', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

const networkExists = (): boolean => docker('network', 'ls', '--filter', `name=^${NETWORK}$`, '--format', '{{.Name}}') === NETWORK;

afterAll(async () => {
  await removeContainer(CONTAINER).catch(() => undefined);
  await removeNetwork(NETWORK).catch(() => undefined);
});

it('refuses a network a running container uses, naming it, and removes it once the container is gone', async () => {
  docker('network', 'create', NETWORK);
  docker('run', '-d', '--name', CONTAINER, '--network', NETWORK, 'lab-local/debian:bookworm', 'sleep', '300');
  await expect(removeNetwork(NETWORK, 2_000, 200)).rejects.toThrow(`network ${NETWORK} is still used by container ${CONTAINER}`);
  expect(networkExists()).toBe(true);
  await removeContainer(CONTAINER);
  await removeNetwork(NETWORK);
  expect(networkExists()).toBe(false);
  await expect(removeNetwork(NETWORK)).resolves.toBeUndefined();
});
