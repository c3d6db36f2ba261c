/**
 * After destroy, nothing the stack created may remain: containers, volumes and the network named
 * for the project, and the images it built (`<project>/...`). Pulled images stay by design
 * (removePulledImages).
 */
import { execFileSync } from 'node:child_process';

function lines(args: readonly string[]): string[] {
  return execFileSync('docker', [...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
}

/** What is left of project `project`, one line per object; empty when destroy removed everything. */
export function leftovers(project: string): string[] {
  const prefix = `${project}-`;
  return [
    ...lines(['ps', '-a', '--format', '{{.Names}}']).filter((n) => n.startsWith(prefix)).map((n) => `container ${n}`),
    ...lines(['volume', 'ls', '--format', '{{.Name}}']).filter((n) => n.startsWith(prefix)).map((n) => `volume ${n}`),
    ...lines(['network', 'ls', '--format', '{{.Name}}']).filter((n) => n === `${project}-net`).map((n) => `network ${n}`),
    ...lines(['images', '--format', '{{.Repository}}:{{.Tag}}']).filter((n) => n.startsWith(`${project}/`)).map((n) => `image ${n}`),
  ];
}

/**
 * Removes what an interrupted earlier rehearsal of `project` left (a stopped session, a killed CI
 * run): its containers would make the apply fail on "name already in use". Returns what it removed.
 */
export function clearLeftovers(project: string): string[] {
  const found = leftovers(project);
  for (const item of found) {
    const [kind, name] = item.split(' ');
    const args = kind === 'container' ? ['rm', '-f', '-v', name] : kind === 'image' ? ['rmi', '-f', name] : [kind, 'rm', name];
    execFileSync('docker', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  }
  return found;
}
