/**
 * The direct-start reference's translation of the synthesized stack into Docker Engine API requests
 * (e2e/direct-start-plan.ts), and the tar it uploads files with. Running the plan needs a Docker
 * engine: the deploy rehearsal does that (`npm run e2e -- --direct-start`).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { directStartPlan, type DirectContainer } from '../../e2e/direct-start-plan';
import { directStartCriticalPath, tarOfFile } from '../../e2e/direct-start';
import { configWith, resourcesOf, synthStack } from '../support/synth';

type Json = Record<string, unknown>;

const tf = synthStack(configWith()) as Json;
const plan = directStartPlan(tf, '/project');
const byName = new Map(plan.containers.map((c) => [c.name, c]));
const containerResources = resourcesOf(tf as never, 'docker_container') as Record<string, Json>;
const nameOfKey = (key: string): string => String(containerResources[key].name);

function hostConfig(c: DirectContainer): Json {
  return c.create.HostConfig as Json;
}

describe('directStartPlan over the default stack', () => {
  it('has one create request per container of the stack, each for that container', () => {
    expect([...byName.keys()].sort()).toEqual(Object.values(containerResources).map((c) => String(c.name)).sort());
    for (const [key, c] of Object.entries(containerResources)) expect([key, byName.get(String(c.name))?.create.Hostname]).toEqual([key, c.hostname]);
  });

  it('leaves no Terraform reference unresolved and names images by the tags the stack gives them', () => {
    const images = new Set(Object.values(resourcesOf(tf as never, 'docker_image') as Record<string, Json>).map((i) => String(i.name)));
    for (const c of plan.containers) {
      expect([c.name, JSON.stringify(c.create).match(/(?<!\$)\$\{[a-z_]+\.[^}]*\}/g)]).toEqual([c.name, null]);
      expect([c.name, images.has(String(c.create.Image))]).toEqual([c.name, true]);
    }
  });

  it('keeps the order Terraform keeps: each container after the containers it depends on, and after the topics when it uses them', () => {
    for (const [key, r] of Object.entries(containerResources)) {
      const deps = ((r.depends_on ?? []) as string[]).filter((d) => d.startsWith('docker_container.')).map((d) => nameOfKey(d.slice('docker_container.'.length)));
      const c = byName.get(String(r.name))!;
      expect([key, [...c.after].sort()]).toEqual([key, deps.sort()]);
      expect([key, c.needsTopics]).toEqual([key, ((r.depends_on ?? []) as string[]).some((d) => d.startsWith('kafka_topic.'))]);
    }
    expect(plan.topics.length).toBe(Object.keys(resourcesOf(tf as never, 'kafka_topic')).length);
    expect(plan.topicsAfter.length).toBeGreaterThan(0);
  });

  it('publishes the same ports on the same addresses, with the same memory limits, volumes and health checks', () => {
    for (const r of Object.values(containerResources)) {
      const c = byName.get(String(r.name))!;
      const host = hostConfig(c);
      const published = Object.entries(host.PortBindings as Record<string, Array<{ HostIp: string; HostPort: string }>>).flatMap(([spec, b]) => b.map((x) => `${x.HostIp}:${x.HostPort}->${spec}`));
      expect(published.sort()).toEqual(((r.ports ?? []) as Json[]).map((p) => `${String(p.ip)}:${String(p.external)}->${String(p.internal)}/tcp`).sort());
      expect(host.Memory).toBe(Number(r.memory) * 1024 * 1024);
      expect((host.Mounts as Json[]).map((m) => m.Target)).toEqual(((r.volumes ?? []) as Json[]).map((v) => v.container_path));
      const health = c.create.Healthcheck as Json;
      const declared = r.healthcheck as Json;
      expect(health.Test).toEqual(declared.test);
      expect(health.Interval).toBe(Number(String(declared.interval).replace(/s$/, '')) * 1e9);
    }
  });

  it('builds the images the stack builds, in the project folder, before anything is timed', () => {
    expect(plan.builds.length).toBeGreaterThan(0);
    for (const b of plan.builds) expect(b).toMatch(/^cd '\/project' && docker build --tag '/);
  });

  it('gives each random password one value wherever it is used', () => {
    const env = plan.containers.flatMap((c) => (c.create.Env ?? []) as string[]);
    const inUrl = env.map((e) => /^MOODLE_DB_URL=mysql:\/\/moodle:([^@]+)@/.exec(e)?.[1]).find((p) => p !== undefined);
    const ofServer = env.map((e) => /^MARIADB_PASSWORD=(.+)$/.exec(e)?.[1]).find((p) => p !== undefined);
    expect(ofServer).toMatch(/^[0-9a-f]{8,}$/);
    expect(inUrl).toBe(ofServer);
  });
});

describe('directStartPlan refuses what it cannot translate, naming it', () => {
  const container = (extra: Json): Json => ({ resource: { docker_container: { web: { name: 'lab-web', image: 'nginx:1', ...extra } } } });

  it('an attribute it does not know', () => {
    expect(() => directStartPlan(container({ privileged: true }), '/p')).toThrow('docker_container.web: attribute(s) privileged have no direct-start translation');
  });
  it('a reference it has no value for', () => {
    expect(() => directStartPlan(container({ env: ['X=${docker_image.missing.image_id}'] }), '/p')).toThrow('names no resource of the stack');
  });
  it('but turns an escaped $${ into a literal ${', () => {
    expect(directStartPlan(container({ env: ['X=$${HOME}'] }), '/p').containers[0].create.Env).toEqual(['X=${HOME}']);
  });
});

describe('tarOfFile', () => {
  it('is an archive tar unpacks to the file, with its directories', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lab-tar-'));
    try {
      const archive = join(dir, 'a.tar');
      const content = 'CREATE USER x;\n'.repeat(100);
      writeFileSync(archive, tarOfFile('/docker-entrypoint-initdb.d/10-moodle.sql', content));
      const r = spawnSync('tar', ['-xf', archive, '-C', dir], { encoding: 'utf8' });
      expect(r.stderr).toBe('');
      expect(readFileSync(join(dir, 'docker-entrypoint-initdb.d', '10-moodle.sql'), 'utf8')).toBe(content);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('directStartCriticalPath', () => {
  it('follows the last healthy container back through the dependency that became healthy last', () => {
    const container = (name: string, after: string[]) => ({ name, create: {}, uploads: [], after, needsTopics: false, waitTimeoutS: 60 });
    const chainPlan = { networks: [], volumes: [], builds: [], topics: [], topicsAfter: [], containers: [container('a', []), container('b', ['a']), container('c', ['a']), container('d', ['b', 'c'])] };
    const spans = [
      { name: 'a', started: 0, healthy: 10 },
      { name: 'c', started: 10, healthy: 20 },
      { name: 'b', started: 10, healthy: 30 },
      { name: 'd', started: 30, healthy: 35 },
    ];
    expect(directStartCriticalPath({ seconds: 35, spans, topicsCreated: 0 }, chainPlan)).toBe('a 10 s -> b 20 s -> d 5 s');
  });
});
