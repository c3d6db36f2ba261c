/**
 * A minimal client of the Docker Engine API over its unix socket, for benchmarks that must create a
 * container exactly as Terraform's docker provider does (a health check in exec form, ['CMD', ...],
 * which `docker run --health-cmd` cannot express: it always wraps the command in /bin/sh -c).
 */
import { request } from 'node:http';

const SOCKET = process.env.DOCKER_SOCKET ?? '/var/run/docker.sock';

export class DockerApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'DockerApiError';
  }
}

/** One API call; resolves with the parsed JSON body (undefined when empty), rejects on a non-2xx status with the engine's message. */
export function dockerApi<T>(method: string, path: string, body?: unknown): Promise<T | undefined> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = request(
      { socketPath: SOCKET, method, path, headers: payload ? { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(payload) } : {} },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          const status = res.statusCode ?? 0;
          if (status < 200 || status >= 300) {
            reject(new DockerApiError(status, `${method} ${path}: ${status} ${text.trim()}`));
            return;
          }
          resolve(text.trim() === '' ? undefined : (JSON.parse(text) as T));
        });
      },
    );
    req.on('error', (error) => reject(new Error(`Docker engine at ${SOCKET} (${method} ${path}): ${error.message}; run scripts/setup-docker.sh`)));
    req.end(payload);
  });
}

export interface HealthLogEntry {
  readonly Start: string;
  readonly End: string;
  readonly ExitCode: number;
  readonly Output: string;
}

export interface ContainerState {
  readonly Running: boolean;
  readonly Status: string;
  readonly ExitCode: number;
  readonly Health?: { readonly Status: string; readonly Log: readonly HealthLogEntry[] };
}

export async function containerState(id: string): Promise<ContainerState> {
  const inspect = await dockerApi<{ State: ContainerState }>('GET', `/containers/${id}/json`);
  if (!inspect) throw new Error(`inspect of container ${id} returned nothing`);
  return inspect.State;
}

/** Total CPU time the container's cgroup has used, in nanoseconds (what `docker stats` differentiates). */
export async function containerCpuNanos(id: string): Promise<number> {
  const stats = await dockerApi<{ cpu_stats: { cpu_usage: { total_usage: number } } }>('GET', `/containers/${id}/stats?stream=false&one-shot=true`);
  if (!stats) throw new Error(`stats of container ${id} returned nothing`);
  return stats.cpu_stats.cpu_usage.total_usage;
}

/** Removes a container and its anonymous volumes; no error when it does not exist. */
export async function removeContainer(nameOrId: string): Promise<void> {
  try {
    await dockerApi('DELETE', `/containers/${encodeURIComponent(nameOrId)}?force=true&v=true`);
  } catch (error) {
    if (!(error instanceof DockerApiError && error.status === 404)) throw error;
  }
}

/** Creates a bridge network unless one of that name exists. */
export async function ensureNetwork(name: string): Promise<void> {
  const existing = await dockerApi<Array<{ Name: string }>>('GET', `/networks?filters=${encodeURIComponent(JSON.stringify({ name: [name] }))}`);
  if (existing?.some((n) => n.Name === name)) return;
  await dockerApi('POST', '/networks/create', { Name: name, CheckDuplicate: true });
}

/** The containers the engine lists on a network: id and name. */
async function attachedContainers(network: string): Promise<Array<{ id: string; name: string }>> {
  const inspect = await dockerApi<{ Containers?: Record<string, { Name: string }> }>('GET', `/networks/${encodeURIComponent(network)}`);
  return Object.entries(inspect?.Containers ?? {}).map(([id, c]) => ({ id, name: c.Name }));
}

async function containerExists(id: string): Promise<boolean> {
  try {
    await containerState(encodeURIComponent(id));
    return true;
  } catch (error) {
    if (error instanceof DockerApiError && error.status === 404) return false;
    throw error;
  }
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Removes a network; no error when it does not exist. Docker 20.10 can refuse with "has active
 * endpoints" for a moment after the last container attached to it was removed (its endpoint count
 * is updated after the removal answers), and can keep an endpoint of a removed container listed: both
 * are retried for `patienceMs`, the stale endpoint force-disconnected. A live container still on the
 * network is not touched: the error names it.
 */
export async function removeNetwork(name: string, patienceMs = 30_000, retryMs = 1_000): Promise<void> {
  const deadline = Date.now() + patienceMs;
  for (;;) {
    try {
      await dockerApi('DELETE', `/networks/${encodeURIComponent(name)}`);
      return;
    } catch (error) {
      if (error instanceof DockerApiError && error.status === 404) return;
      if (!(error instanceof DockerApiError && /active endpoints/.test(error.message))) throw error;
      const attached = await attachedContainers(name);
      const live: string[] = [];
      for (const c of attached) {
        if (await containerExists(c.id)) live.push(c.name);
        else await dockerApi('POST', `/networks/${encodeURIComponent(name)}/disconnect`, { Container: c.id, Force: true }).catch(() => undefined);
      }
      if (live.length > 0) throw new Error(`network ${name} is still used by container ${live.join(', ')}: remove it first (docker rm -f ${live.join(' ')})`);
      if (Date.now() >= deadline) {
        throw new Error(
          `network ${name} still refused removal after ${Math.round(patienceMs / 1000)} s with no container attached (${error.message}): ` +
            `the Docker engine's endpoint count for it is stale; restart the engine (it corrects the count on start), then docker network rm ${name}`,
        );
      }
      await sleep(retryMs);
    }
  }
}

/** Go duration strings as Terraform's docker provider takes them ("10s", "1m30s") to nanoseconds, as the API takes them. */
export function durationNanos(text: string): number {
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== text) throw new Error(`'${text}' is not a duration like 10s or 1m30s`);
  const unit: Record<string, number> = { ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };
  return parts.reduce((sum, p) => sum + Number(p[1]) * unit[p[2]], 0);
}
