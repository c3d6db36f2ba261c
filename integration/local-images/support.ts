/**
 * Shared by the platform-image tests: Docker calls, the images' build script, and what the
 * synthesized stack gives a service's container (environment, command, health check, uploads),
 * so that each test runs its image exactly as the stack would, bar the addresses it must change.
 */
import { execFile, execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { configWith, resourcesOf, synthStack, type Json } from '../../__tests__/support/synth';
import type { LabConfigOverrides } from '../../config/types';

export const ROOT = resolve(__dirname, '../..');
const run = promisify(execFile);

/** The images scripts/local-images/platform-images.sh builds, as the stack's `images.*` settings. */
export const LOCAL_IMAGES = {
  mariadb: 'lab-local/mariadb:10.11.19',
  schemaRegistry: 'lab-local/cp-schema-registry:7.9.9',
  connectBase: 'lab-local/cp-kafka-connect:7.9.11',
  ksqldb: 'lab-local/cp-ksqldb-server:7.9.9',
} as const;

export function docker(...args: string[]): string {
  try {
    return execFileSync('docker', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
  } catch (e) {
    const err = e as { stderr?: string; stdout?: string; message: string };
    throw new Error(`docker ${args.join(' ')} failed: ${(err.stderr || err.message).trim()}${err.stdout ? `\n${err.stdout}` : ''}`);
  }
}

/** Fails with the fix when no engine answers; builds (or finds up to date) the named images. */
export async function buildPlatformImages(...names: Array<'mariadb' | 'registry' | 'connect' | 'ksqldb' | 'opensearch' | 'nginx'>): Promise<void> {
  try {
    docker('info', '--format', '{{.ServerVersion}}');
  } catch (e) {
    throw new Error(`no Docker engine answers (${(e as Error).message.split('\n')[0]}): start it (scripts/setup-docker.sh or dockerd as root), then run the integration tests again`);
  }
  await run('bash', [resolve(ROOT, 'scripts/local-images/platform-images.sh'), ...names], { cwd: ROOT, timeout: 1_800_000 });
}

export interface ServiceSpec {
  readonly env: Record<string, string>;
  readonly command?: string[];
  readonly healthcheck: string[];
  readonly memoryMb?: number;
  readonly uploads: ReadonlyArray<{ file: string; content: string }>;
}

/** The stack with the local platform images, synthesized once per test file. */
export function synthWithLocalImages(overrides: LabConfigOverrides = {}): Json {
  return synthStack(configWith({ ...overrides, images: { ...LOCAL_IMAGES, ...overrides.images } }));
}

/**
 * A service's container as the stack declares it. `secrets` replaces Terraform expressions
 * (`${random_password.X.result}`) by the values a deploy would have generated.
 */
export function serviceSpec(tf: Json, service: string, secrets: Readonly<Record<string, string>> = {}): ServiceSpec {
  const container = resourcesOf(tf, 'docker_container')[service] as Record<string, unknown> | undefined;
  if (!container) throw new Error(`the synthesized stack has no docker_container.${service}`);
  const resolveExpressions = (text: string): string =>
    text.replace(/\$\{random_password\.([\w-]+)\.result\}/g, (expression, name: string) => {
      const value = secrets[name];
      if (value === undefined) throw new Error(`${service}: no test value for ${expression}; pass it in secrets.${name}`);
      return value;
    });
  const env = Object.fromEntries(
    ((container.env as string[] | undefined) ?? []).map((entry) => {
      const at = entry.indexOf('=');
      return [entry.slice(0, at), resolveExpressions(entry.slice(at + 1))];
    }),
  );
  const uploads = ((container.upload as Array<{ file: string; content: string }> | undefined) ?? []).map((u) => ({
    file: u.file,
    content: resolveExpressions(u.content),
  }));
  return {
    env,
    command: container.command as string[] | undefined,
    healthcheck: (container.healthcheck as { test: string[] }).test,
    memoryMb: container.memory as number | undefined,
    uploads,
  };
}

export function envArgs(env: Readonly<Record<string, string>>): string[] {
  return Object.entries(env).flatMap(([name, value]) => ['-e', `${name}=${value}`]);
}

/** Runs a synthesized health check inside a container the way Docker does; throws with its output. */
export function runHealthCheck(container: string, test: readonly string[]): string {
  if (test[0] === 'CMD') return docker('exec', container, ...test.slice(1));
  if (test[0] === 'CMD-SHELL') return docker('exec', container, '/bin/sh', '-c', test[1]);
  throw new Error(`health check ${JSON.stringify(test)} is neither CMD nor CMD-SHELL`);
}

/** Polls the health check until it passes; the error carries its last output and the container's log. */
export async function waitHealthy(container: string, test: readonly string[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    try {
      runHealthCheck(container, test);
      return;
    } catch (e) {
      last = (e as Error).message;
      if (docker('inspect', '--format', '{{.State.Running}}', container) !== 'true') break;
    }
    await new Promise((r) => setTimeout(r, 2_000));
  }
  // The log of a container that just exited can lag behind its last lines.
  await new Promise((r) => setTimeout(r, 1_000));
  const state = docker('inspect', '--format', '{{.State.Status}} (exit code {{.State.ExitCode}}, OOM killed {{.State.OOMKilled}})', container);
  const log = docker('logs', container);
  // A JVM's root cause sits in "Caused by" lines far above the end of its stack trace.
  const causes = log.split('\n').filter((line) => /Caused by|\berror\b/i.test(line)).slice(-15);
  throw new Error(
    `${container} (${state}): the stack's health check ${JSON.stringify(test)} did not pass within ${timeoutMs / 1000} s; last: ${last}\n` +
      `errors in its log:\n${causes.join('\n')}\nend of its log:\n${log.split('\n').slice(-40).join('\n')}`,
  );
}

/** A private bridge network; returns its gateway, the address this machine has on it. */
export function createNetwork(name: string): string {
  docker('network', 'create', name);
  const gateway = docker('network', 'inspect', '--format', '{{range .IPAM.Config}}{{.Gateway}}{{end}}', name);
  if (!/^\d+\.\d+\.\d+\.\d+$/.test(gateway)) throw new Error(`network ${name} reports no IPv4 gateway (${gateway})`);
  return gateway;
}

export function removeQuietly(kind: 'container' | 'network', name: string): void {
  try {
    if (kind === 'container') docker('rm', '-f', '-v', name);
    else docker('network', 'rm', name);
  } catch {
    // Already gone: cleanup after a failed start.
  }
}

/** host:port on 127.0.0.1 that Docker published a container port on. */
export function publishedAddress(container: string, port: number): string {
  return docker('port', container, String(port)).split('\n')[0];
}
