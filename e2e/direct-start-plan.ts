/**
 * The floor a deploy as code is measured against (issue 19, item 5): the synthesized stack's
 * containers, translated into Docker Engine API requests so that the rehearsal can start them
 * directly, in dependency order, with no Terraform and no appliers. This module only translates;
 * direct-start.ts runs the plan.
 *
 * The translation is strict: an attribute of a docker_container, docker_network or docker_volume
 * that it does not know, or an interpolation it cannot resolve, is an error naming both, so that a
 * change to the stack cannot make the reference quietly start something else than the deploy does.
 */
import { randomBytes } from 'node:crypto';
import { durationNanos } from '../bench/docker-engine';

type Json = Record<string, unknown>;

/** A container's create request, its uploads, and what must be ready before it starts. */
export interface DirectContainer {
  readonly name: string;
  /** Body of POST /containers/create?name=<name>. */
  readonly create: Json;
  /** Files written into the container before it starts (the resource's `upload` blocks). */
  readonly uploads: ReadonlyArray<{ readonly path: string; readonly content: string }>;
  /** Containers that must be healthy first (Terraform's `wait` makes a dependency mean healthy). */
  readonly after: readonly string[];
  /** The stack's topics must exist first (the container depends on kafka_topic resources). */
  readonly needsTopics: boolean;
  /** How long the deploy lets it become healthy (`wait_timeout`), seconds. */
  readonly waitTimeoutS: number;
}

/** A topic as the stack's kafka_topic resource declares it. */
export interface DeclaredTopic {
  readonly name: string;
  readonly partitions: number;
  readonly replicationFactor: number;
  readonly config: Readonly<Record<string, string>>;
}

export interface DirectStartPlan {
  readonly networks: readonly string[];
  readonly volumes: readonly string[];
  /** `docker build` commands of the images the stack builds; run before the timing starts (images built). */
  readonly builds: readonly string[];
  readonly topics: readonly DeclaredTopic[];
  /** Containers the topics wait for (the kafka_topic resources' dependencies). */
  readonly topicsAfter: readonly string[];
  readonly containers: readonly DirectContainer[];
}

const MIB = 1024 * 1024;

/** Attributes that only steer Terraform (waiting, replacement, metadata): no Docker counterpart. */
const TERRAFORM_ONLY = new Set(['//', 'depends_on', 'must_run', 'wait', 'wait_timeout', 'destroy_grace_seconds', 'name']);

function record(value: unknown, what: string): Json {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error(`${what} is not an object`);
  return value as Json;
}

function resourcesOf(tf: Json, type: string): Record<string, Json> {
  const resources = record(tf.resource ?? {}, 'resource');
  const ofType = resources[type];
  return ofType === undefined ? {} : (record(ofType, `resource.${type}`) as Record<string, Json>);
}

/**
 * Values for the references Terraform would resolve at apply: resource attributes the stack's
 * containers use. Random resources get fresh values, as a first apply would.
 */
function referenceResolver(tf: Json): (ref: string, where: string) => string {
  const randomValues = new Map<string, string>();
  return (ref, where) => {
    const [type, name, attribute] = ref.split('.');
    const resource = resourcesOf(tf, type)[name];
    if (!resource) throw new Error(`${where}: \${${ref}} names no resource of the stack`);
    if ((type === 'docker_network' || type === 'docker_volume') && attribute === 'name') return String(resource.name);
    // A container names its image by ID; the image resource's name is a tag of that same image.
    if (type === 'docker_image' && attribute === 'image_id') return String(resource.name);
    if (type === 'random_password' && attribute === 'result') {
      if (!randomValues.has(ref)) randomValues.set(ref, randomBytes(32).toString('hex').slice(0, Number(resource.length ?? 24)));
      return randomValues.get(ref)!;
    }
    if (type === 'random_id') {
      const key = `${type}.${name}`;
      if (!randomValues.has(key)) randomValues.set(key, randomBytes(Number(resource.byte_length ?? 8)).toString('hex'));
      const bytes = Buffer.from(randomValues.get(key)!, 'hex');
      const forms: Readonly<Record<string, string>> = { hex: bytes.toString('hex'), b64_url: bytes.toString('base64url'), b64_std: bytes.toString('base64'), dec: BigInt(`0x${bytes.toString('hex')}`).toString() };
      const value = forms[attribute];
      if (value !== undefined) return value;
    }
    throw new Error(`${where}: \${${ref}} has no direct-start value; teach referenceResolver in e2e/direct-start-plan.ts`);
  };
}

/** Terraform's template syntax in a string: `$${` is a literal `${`; `${a.b.c}` a reference; `%{` a directive (unsupported). */
function interpolate(text: string, resolve: (ref: string, where: string) => string, where: string): string {
  if (/(^|[^%])%\{/.test(text)) throw new Error(`${where}: a Terraform template directive (%{...}) has no direct-start translation`);
  return text.replace(/\$\$\{|\$\{([^}]*)\}/g, (_match, ref: string | undefined) => {
    if (ref === undefined) return '${';
    if (!/^[a-z_]+\.[A-Za-z0-9_-]+\.[a-z0-9_]+$/.test(ref)) throw new Error(`${where}: \${${ref}} is not a plain resource reference`);
    return resolve(ref, where);
  });
}

function interpolateDeep(value: unknown, resolve: (ref: string, where: string) => string, where: string): unknown {
  if (typeof value === 'string') return interpolate(value, resolve, where);
  if (Array.isArray(value)) return value.map((v) => interpolateDeep(v, resolve, where));
  if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, interpolateDeep(v, resolve, `${where}.${k}`)]));
  return value;
}

function dependencyNames(resource: Json, type: string): string[] {
  const deps = (resource.depends_on ?? []) as string[];
  return deps.filter((d) => d.startsWith(`${type}.`)).map((d) => d.slice(type.length + 1));
}

function containerCreateBody(key: string, c: Json): Json {
  const where = `docker_container.${key}`;
  const known = new Set([...TERRAFORM_ONLY, 'image', 'hostname', 'env', 'command', 'healthcheck', 'memory', 'memory_swap', 'restart', 'ports', 'networks_advanced', 'volumes', 'upload', 'stop_timeout']);
  const unknown = Object.keys(c).filter((k) => !known.has(k));
  if (unknown.length) throw new Error(`${where}: attribute(s) ${unknown.join(', ')} have no direct-start translation; add them to containerCreateBody in e2e/direct-start-plan.ts`);
  const health = c.healthcheck === undefined ? undefined : record(c.healthcheck, `${where}.healthcheck`);
  const networks = ((c.networks_advanced ?? []) as Json[]).map((n) => ({ name: String(n.name), aliases: (n.aliases ?? []) as string[] }));
  const ports = (c.ports ?? []) as Json[];
  const portBindings: Record<string, Array<{ HostIp: string; HostPort: string }>> = {};
  for (const p of ports) {
    const spec = `${Number(p.internal)}/${String(p.protocol ?? 'tcp')}`;
    (portBindings[spec] ??= []).push({ HostIp: String(p.ip ?? '0.0.0.0'), HostPort: p.external === undefined ? '' : String(p.external) });
  }
  const volumes = (c.volumes ?? []) as Json[];
  for (const v of volumes) {
    if (v.volume_name === undefined || v.host_path !== undefined) throw new Error(`${where}: only named volumes have a direct-start translation`);
  }
  return {
    Image: c.image,
    Hostname: c.hostname,
    Env: c.env ?? [],
    ...(c.command === undefined ? {} : { Cmd: c.command }),
    ...(c.stop_timeout === undefined ? {} : { StopTimeout: c.stop_timeout }),
    ExposedPorts: Object.fromEntries(Object.keys(portBindings).map((spec) => [spec, {}])),
    ...(health === undefined
      ? {}
      : {
          Healthcheck: {
            Test: health.test,
            Interval: durationNanos(String(health.interval ?? '0s')),
            Timeout: durationNanos(String(health.timeout ?? '0s')),
            StartPeriod: durationNanos(String(health.start_period ?? '0s')),
            Retries: health.retries ?? 0,
          },
        }),
    HostConfig: {
      ...(c.memory === undefined ? {} : { Memory: Number(c.memory) * MIB }),
      ...(c.memory_swap === undefined ? {} : { MemorySwap: Number(c.memory_swap) * MIB }),
      RestartPolicy: { Name: c.restart ?? 'no' },
      PortBindings: portBindings,
      Mounts: volumes.map((v) => ({ Type: 'volume', Source: v.volume_name, Target: v.container_path, ReadOnly: v.read_only === true })),
      ...(networks.length ? { NetworkMode: networks[0].name } : {}),
    },
    NetworkingConfig: { EndpointsConfig: Object.fromEntries(networks.map((n) => [n.name, { Aliases: n.aliases }])) },
  };
}

/** The topics of a synthesized stack, as its kafka_topic resources declare them. */
export function declaredTopics(tf: Json): DeclaredTopic[] {
  return Object.values(resourcesOf(tf, 'kafka_topic')).map((t) => ({
    name: String(t.name),
    partitions: Number(t.partitions),
    replicationFactor: Number(t.replication_factor),
    config: Object.fromEntries(Object.entries((t.config ?? {}) as Record<string, unknown>).map(([k, v]) => [k, String(v)])),
  }));
}

/** The whole plan from a synthesized stack (cdk.tf.json). */
export function directStartPlan(tf: Json, projectRoot: string): DirectStartPlan {
  const resolve = referenceResolver(tf);
  const strictNamed = (type: string): string[] =>
    Object.entries(resourcesOf(tf, type)).map(([key, r]) => {
      const extra = Object.keys(r).filter((k) => !['//', 'name', 'depends_on'].includes(k));
      if (extra.length) throw new Error(`${type}.${key}: attribute(s) ${extra.join(', ')} have no direct-start translation`);
      return String(r.name);
    });
  const builds = Object.entries(resourcesOf(tf, 'terraform_data')).flatMap(([key, r]) =>
    ((r.provisioner ?? []) as Json[])
      .map((p) => p['local-exec'] as Json | undefined)
      .filter((exec): exec is Json => exec !== undefined && typeof exec.command === 'string' && exec.command.startsWith('docker build '))
      .map((exec) => {
        if (exec.working_dir !== undefined && !String(exec.working_dir).startsWith('${path.module}')) throw new Error(`terraform_data.${key}: a build outside the project has no direct-start translation`);
        return `cd '${projectRoot}' && ${String(exec.command)}`;
      }),
  );
  const topicResources = Object.values(resourcesOf(tf, 'kafka_topic'));
  const topics = declaredTopics(tf);
  const containerResources = resourcesOf(tf, 'docker_container');
  const containerName = (key: string): string => {
    const c = containerResources[key];
    if (!c) throw new Error(`a dependency names docker_container.${key}, which the stack does not have`);
    return String(c.name);
  };
  const topicsAfter = [...new Set(topicResources.flatMap((t) => dependencyNames(t, 'docker_container').map(containerName)))];
  const containers = Object.entries(containerResources).map(([key, c]): DirectContainer => {
    const where = `docker_container.${key}`;
    // Resolved before translating: some values (network names) become keys of the request.
    const resolved = interpolateDeep(c, resolve, where) as Json;
    return {
      name: String(c.name),
      create: containerCreateBody(key, resolved),
      uploads: ((resolved.upload ?? []) as Json[]).map((u) => {
        if (typeof u.content !== 'string') throw new Error(`${where}.upload: only inline content has a direct-start translation`);
        return { path: String(u.file), content: u.content };
      }),
      after: dependencyNames(c, 'docker_container').map(containerName),
      needsTopics: dependencyNames(c, 'kafka_topic').length > 0,
      waitTimeoutS: Number(c.wait_timeout ?? 60),
    };
  });
  return { networks: strictNamed('docker_network'), volumes: strictNamed('docker_volume'), builds, topics, topicsAfter, containers };
}
