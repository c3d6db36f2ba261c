/**
 * Runs a direct-start plan (direct-start-plan.ts): the stack's images built first (not timed), then
 * its network, volumes and containers created through the Docker Engine API, each container started
 * as soon as every container it depends on is healthy (what Terraform's `wait` does), the topics
 * created once the broker is healthy, until every container is healthy. Then it removes all of it.
 * The time from the network's creation to the last healthy container is the floor the deploy's
 * apply is compared with.
 */
import { spawnSync } from 'node:child_process';
import { containerState, dockerApi, ensureNetwork, removeContainer, removeNetwork, DockerApiError } from '../bench/docker-engine';
import type { DirectContainer, DirectStartPlan, DeclaredTopic } from './direct-start-plan';

export interface DirectStartResult {
  /** Seconds from the network's creation to the last container healthy. */
  readonly seconds: number;
  /** Per container: seconds after the start of the timing when it was started and when healthy. */
  readonly spans: ReadonlyArray<{ readonly name: string; readonly started: number; readonly healthy: number }>;
  readonly topicsCreated: number;
}

const POLL_MS = 500;

/** A tar archive of one regular file (ustar), what the archive endpoint takes. */
export function tarOfFile(path: string, content: string): Buffer {
  const name = path.replace(/^\/+/, '');
  const body = Buffer.from(content, 'utf8');
  const header = Buffer.alloc(512, 0);
  const put = (text: string, offset: number, length: number): void => void header.write(text, offset, length, 'ascii');
  let prefix = '';
  let base = name;
  if (Buffer.byteLength(name) > 100) {
    const cut = name.lastIndexOf('/', 155);
    if (cut < 0 || name.length - cut - 1 > 100) throw new Error(`${path}: too long a path for a ustar header`);
    prefix = name.slice(0, cut);
    base = name.slice(cut + 1);
  }
  put(base, 0, 100);
  put('0000644\0', 100, 8);
  put('0000000\0', 108, 8);
  put('0000000\0', 116, 8);
  put(`${body.length.toString(8).padStart(11, '0')}\0`, 124, 12);
  put(`${Math.floor(Date.now() / 1000).toString(8).padStart(11, '0')}\0`, 136, 12);
  put('        ', 148, 8);
  put('0', 156, 1);
  put('ustar\0', 257, 6);
  put('00', 263, 2);
  put(prefix, 345, 155);
  const sum = header.reduce((total, byte) => total + byte, 0);
  put(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 8);
  const padding = Buffer.alloc((512 - (body.length % 512)) % 512, 0);
  return Buffer.concat([header, body, padding, Buffer.alloc(1024, 0)]);
}

function upload(container: string, path: string, content: string): void {
  // `docker cp -` takes a tar on stdin and unpacks it under the destination, making the directories.
  const r = spawnSync('docker', ['cp', '-', `${container}:/`], { input: tarOfFile(path, content), stdio: ['pipe', 'ignore', 'pipe'] });
  if (r.status !== 0) throw new Error(`upload of ${path} into ${container} failed: ${r.stderr.toString().trim()}`);
}

async function createAndStart(c: DirectContainer): Promise<void> {
  await dockerApi('POST', `/containers/create?name=${encodeURIComponent(c.name)}`, c.create);
  for (const u of c.uploads) upload(c.name, u.path, u.content);
  await dockerApi('POST', `/containers/${encodeURIComponent(c.name)}/start`);
}

async function healthyOrFailed(name: string): Promise<'healthy' | 'waiting' | string> {
  const state = await containerState(name);
  if (!state.Running) return `exited with code ${state.ExitCode}`;
  const health = state.Health?.Status;
  if (health === undefined || health === 'healthy') return 'healthy';
  if (health === 'unhealthy') return `unhealthy: ${state.Health?.Log.at(-1)?.Output.trim() ?? ''}`;
  return 'waiting';
}

/**
 * Starts everything of the plan and waits until all are healthy. `createTopics` makes the stack's
 * topics once the containers they wait for are healthy (through the broker's published port).
 */
export async function runDirectStart(plan: DirectStartPlan, createTopics: (topics: readonly DeclaredTopic[]) => Promise<void>, log: (line: string) => void): Promise<DirectStartResult> {
  for (const build of plan.builds) {
    log(`building (not timed): ${build.replace(/^cd '[^']*' && /, '')}`);
    const r = spawnSync('bash', ['-c', build], { stdio: ['ignore', 'ignore', 'pipe'] });
    if (r.status !== 0) throw new Error(`image build failed (${build}): ${r.stderr.toString().trim().split('\n').slice(-5).join(' / ')}`);
  }
  const t0 = Date.now();
  const since = (): number => (Date.now() - t0) / 1000;
  for (const network of plan.networks) await ensureNetwork(network);
  for (const volume of plan.volumes) await dockerApi('POST', '/volumes/create', { Name: volume });
  const started = new Map<string, number>();
  const healthy = new Map<string, number>();
  const deadlines = new Map(plan.containers.map((c) => [c.name, c.waitTimeoutS]));
  let topicsReady = plan.topics.length === 0;
  let topicsCreating: Promise<void> | undefined;
  let topicsError: Error | undefined;
  while (healthy.size < plan.containers.length) {
    if (topicsError) throw topicsError;
    if (!topicsReady && !topicsCreating && plan.topicsAfter.every((n) => healthy.has(n))) {
      topicsCreating = createTopics(plan.topics).then(
        () => {
          topicsReady = true;
        },
        (e: unknown) => {
          topicsError = new Error(`creating the ${plan.topics.length} topics failed: ${(e as Error).message}`);
        },
      );
    }
    const ready = plan.containers.filter((c) => !started.has(c.name) && c.after.every((n) => healthy.has(n)) && (!c.needsTopics || topicsReady));
    await Promise.all(
      ready.map(async (c) => {
        started.set(c.name, since());
        await createAndStart(c);
      }),
    );
    for (const name of started.keys()) {
      if (healthy.has(name)) continue;
      const status = await healthyOrFailed(name);
      if (status === 'healthy') healthy.set(name, since());
      else if (status !== 'waiting') throw new Error(`container ${name} ${status}`);
      else if (since() - started.get(name)! > deadlines.get(name)!) throw new Error(`container ${name} not healthy within its wait_timeout of ${deadlines.get(name)} s`);
    }
    if (started.size === 0 && ready.length === 0) throw new Error('no container can start: the plan\'s dependencies form a cycle');
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
  return {
    seconds: since(),
    spans: plan.containers.map((c) => ({ name: c.name, started: started.get(c.name)!, healthy: healthy.get(c.name)! })).sort((a, b) => a.healthy - b.healthy),
    topicsCreated: plan.topics.length,
  };
}

/** Removes the plan's containers, volumes and networks; what could not be removed is returned. */
export async function removeDirectStart(plan: DirectStartPlan): Promise<string[]> {
  const failed: string[] = [];
  // One at a time. After a concurrent removal of all twelve, CI's Docker 20.10 refused the network
  // ("has active endpoints", no container left) until the engine restarted and corrected its
  // endpoint count. Serial removal costs about a second and gives that count no concurrent updates.
  for (const c of plan.containers) await removeContainer(c.name).catch((e: unknown) => void failed.push(`container ${c.name}: ${(e as Error).message}`));
  for (const volume of plan.volumes) {
    try {
      await dockerApi('DELETE', `/volumes/${encodeURIComponent(volume)}`);
    } catch (e) {
      if (!(e instanceof DockerApiError && e.status === 404)) failed.push(`volume ${volume}: ${(e as Error).message}`);
    }
  }
  for (const network of plan.networks) await removeNetwork(network).catch((e: unknown) => void failed.push(`network ${network}: ${(e as Error).message}`));
  return failed;
}

/** The chain of containers that decided the total, last one first traced back: `a 12 s -> b 26 s`. */
export function directStartCriticalPath(result: DirectStartResult, plan: DirectStartPlan): string {
  const byName = new Map(result.spans.map((s) => [s.name, s]));
  const chain: string[] = [];
  let last = result.spans.at(-1);
  while (last) {
    chain.unshift(`${last.name} ${(last.healthy - last.started).toFixed(0)} s`);
    const deps = plan.containers.find((c) => c.name === last!.name)?.after ?? [];
    last = deps.map((d) => byName.get(d)!).sort((a, b) => b.healthy - a.healthy)[0];
  }
  return chain.join(' -> ');
}

/** The report lines: total, the critical path, and each container's start and healthy times. */
export function directStartReport(result: DirectStartResult, plan: DirectStartPlan): string {
  return [
    `Direct start (docker API, no Terraform, no appliers): ${plan.containers.length} containers healthy after ${result.seconds.toFixed(0)} s (${result.topicsCreated} topics made on the way)`,
    `  critical path: ${directStartCriticalPath(result, plan)}`,
    ...result.spans.map((s) => `  ${s.name.padEnd(36)} started ${s.started.toFixed(0).padStart(4)} s, healthy ${s.healthy.toFixed(0).padStart(4)} s`),
  ].join('\n');
}
