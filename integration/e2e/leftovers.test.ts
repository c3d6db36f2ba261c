/**
 * The rehearsal's view of a project's Docker objects, against this machine's Docker engine: what an
 * interrupted run leaves (a container, its volume, the project network) is listed, then cleared,
 * and another project's objects are not touched. Needs a running Docker engine and
 * lab-local/debian:bookworm (scripts/local-images/build.sh base).
 */
import { execFileSync } from 'node:child_process';
import { clearLeftovers, leftovers } from '../../e2e/leftovers';

const PROJECT = `leftover${process.pid}`;
const OTHER = `other${process.pid}`;

function docker(...args: string[]): string {
  return execFileSync('docker', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

function createProjectObjects(project: string): void {
  docker('network', 'create', `${project}-net`);
  docker('volume', 'create', `${project}-data`);
  docker('create', '--name', `${project}-kafka-1`, '--network', `${project}-net`, '-v', `${project}-data:/data`, 'lab-local/debian:bookworm', 'true');
}

afterAll(() => {
  for (const project of [PROJECT, OTHER]) {
    try {
      clearLeftovers(project);
    } catch {
      // best effort: the assertions below already report what was not removed
    }
  }
});

it('lists and clears what an interrupted run of one project left, and nothing of another project', () => {
  createProjectObjects(PROJECT);
  createProjectObjects(OTHER);
  expect(leftovers(PROJECT).sort()).toEqual([`container ${PROJECT}-kafka-1`, `network ${PROJECT}-net`, `volume ${PROJECT}-data`]);
  expect(clearLeftovers(PROJECT)).toHaveLength(3);
  expect(leftovers(PROJECT)).toEqual([]);
  expect(leftovers(OTHER)).toHaveLength(3);
});
