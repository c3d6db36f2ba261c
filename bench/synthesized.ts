/**
 * The containers the stack synthesizes, for benchmarks that run one of them as deployed (its
 * command, environment, memory limit and health check) instead of a hand-written copy that could
 * drift from the stack.
 */
import { Testing } from 'cdktf';
import { DEFAULT_CONFIG } from '../config/defaults';
import type { LabConfig } from '../config/types';
import { validateConfig } from '../config/validate';
import { buildApp } from '../stacks/app';

/** The attributes of a docker_container resource that the benchmarks use (Terraform's names). */
export interface SynthesizedContainer {
  readonly hostname: string;
  readonly command?: readonly string[];
  readonly env?: readonly string[];
  readonly memory: number;
  readonly memory_swap: number;
  readonly healthcheck: { readonly test: readonly string[]; readonly interval: string; readonly timeout: string; readonly retries: number; readonly start_period: string };
}

/** docker_container resources of the default stack (every pipeline on), by logical id; `images` overrides image names. */
export function synthesizedContainers(images: Partial<LabConfig['images']> = {}): Record<string, SynthesizedContainer> {
  const config = validateConfig({ ...DEFAULT_CONFIG, images: { ...DEFAULT_CONFIG.images, ...images } });
  const { stack } = buildApp(config, Testing.app());
  const tf = JSON.parse(Testing.synth(stack)) as { resource: { docker_container: Record<string, SynthesizedContainer> } };
  return tf.resource.docker_container;
}

/** `NAME=value` entries as a record. */
export function envRecord(env: readonly string[] = []): Record<string, string> {
  return Object.fromEntries(env.map((entry) => [entry.slice(0, entry.indexOf('=')), entry.slice(entry.indexOf('=') + 1)]));
}
