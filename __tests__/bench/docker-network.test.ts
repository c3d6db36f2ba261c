/**
 * bench/docker-engine.ts removeNetwork, against a fake Docker engine on a unix socket. The fake
 * stands in for what a real engine cannot be made to do on demand: refuse "has active endpoints"
 * for a while after its last container is gone, or keep listing an endpoint of a removed container
 * (Docker 20.10's stale endpoint count; CI hit it once). The paths a real engine does show (a live
 * container on the network, an absent network) are tested in integration/e2e/docker-network.test.ts.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

type Engine = typeof import('../../bench/docker-engine');

interface FakeNetwork {
  /** DELETE answers "has active endpoints" this many more times, whatever is attached. */
  refusals: number;
  attached: Record<string, { Name: string }>;
}

const ACTIVE = (name: string): string => `{"message":"error while removing network: network ${name} id 9b59 has active endpoints"}`;

let dir: string;
let server: Server;
let engine: Engine;
let networks: Map<string, FakeNetwork>;
let liveContainers: Set<string>;
let calls: string[];

function answer(res: ServerResponse, status: number, body = ''): void {
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.end(body);
}

function handle(req: IncomingMessage, res: ServerResponse, body: string): void {
  const url = req.url ?? '';
  calls.push(`${req.method} ${url}`);
  const net = /^\/networks\/([^/]+)(\/disconnect)?$/.exec(url);
  const container = /^\/containers\/([^/]+)\/json$/.exec(url);
  if (net) {
    const name = decodeURIComponent(net[1]);
    const n = networks.get(name);
    if (!n) return answer(res, 404, `{"message":"network ${name} not found"}`);
    if (req.method === 'GET') return answer(res, 200, JSON.stringify({ Name: name, Containers: n.attached }));
    if (req.method === 'POST' && net[2]) {
      delete n.attached[(JSON.parse(body) as { Container: string }).Container];
      return answer(res, 200);
    }
    if (req.method === 'DELETE') {
      if (n.refusals > 0 || Object.keys(n.attached).length > 0) {
        n.refusals = Math.max(0, n.refusals - 1);
        return answer(res, 403, ACTIVE(name));
      }
      networks.delete(name);
      return answer(res, 204);
    }
  }
  if (container && req.method === 'GET') return liveContainers.has(container[1]) ? answer(res, 200, '{}') : answer(res, 404, '{"message":"No such container"}');
  answer(res, 500, `{"message":"the fake engine does not know ${req.method} ${url}"}`);
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'fake-docker-'));
  const socket = join(dir, 'docker.sock');
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => handle(req, res, body));
  });
  await new Promise<void>((r) => server.listen(socket, r));
  process.env.DOCKER_SOCKET = socket;
  jest.isolateModules(() => {
    engine = jest.requireActual<Engine>('../../bench/docker-engine');
  });
});

afterAll(async () => {
  delete process.env.DOCKER_SOCKET;
  await new Promise((r) => server.close(r));
  rmSync(dir, { recursive: true, force: true });
});

beforeEach(() => {
  networks = new Map();
  liveContainers = new Set();
  calls = [];
});

it('waits out a refusal that outlasts the last container, then removes the network', async () => {
  networks.set('lab-net', { refusals: 2, attached: {} });
  await engine.removeNetwork('lab-net', 5_000, 10);
  expect(networks.has('lab-net')).toBe(false);
  expect(calls.filter((c) => c === 'DELETE /networks/lab-net')).toHaveLength(3);
});

it('force-disconnects an endpoint whose container no longer exists', async () => {
  networks.set('lab-net', { refusals: 0, attached: { gone1: { Name: 'lab-kafka-1' } } });
  await engine.removeNetwork('lab-net', 5_000, 10);
  expect(networks.has('lab-net')).toBe(false);
  expect(calls).toContain('POST /networks/lab-net/disconnect');
});

it('leaves a live container alone and names it', async () => {
  networks.set('lab-net', { refusals: 0, attached: { live1: { Name: 'lab-grafana' } } });
  liveContainers.add('live1');
  await expect(engine.removeNetwork('lab-net', 5_000, 10)).rejects.toThrow('network lab-net is still used by container lab-grafana: remove it first (docker rm -f lab-grafana)');
  expect(networks.has('lab-net')).toBe(true);
  expect(calls).not.toContain('POST /networks/lab-net/disconnect');
});

it('gives up after its patience with the cause and the fix', async () => {
  networks.set('lab-net', { refusals: 1_000_000, attached: {} });
  await expect(engine.removeNetwork('lab-net', 50, 10)).rejects.toThrow(/network lab-net still refused removal after 0 s with no container attached .*has active endpoints.*restart the engine .*docker network rm lab-net/);
  expect(calls.filter((c) => c === 'DELETE /networks/lab-net').length).toBeGreaterThan(1);
});

it('is done at once when the network does not exist', async () => {
  await engine.removeNetwork('never-made', 5_000, 10);
  expect(calls).toEqual(['DELETE /networks/never-made']);
});
