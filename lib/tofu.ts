import { execFile, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { PROJECT_ROOT } from './project-root';

const execFileAsync = promisify(execFile);

const CACHE = join(PROJECT_ROOT, '.cache', 'terraform');
const SETUP_SCRIPT = join(PROJECT_ROOT, 'scripts', 'setup-terraform.sh');

/** OpenTofu and its offline provider mirror, as scripts/setup-terraform.sh leaves them. */
export interface TofuToolchain {
  readonly binary: string;
  /** CLI config that installs providers from the filesystem mirror only. */
  readonly cliConfigFile: string;
  /** Provider source ("Mongey/kafka") -> the one version the mirror holds. */
  readonly mirrored: Readonly<Record<string, string>>;
}

const BINARY = join(CACHE, 'bin', 'tofu');
const CLI_CONFIG = join(CACHE, 'tofurc');
const PROVIDERS = join(CACHE, 'providers.json');

/** The toolchain scripts/setup-terraform.sh left on this machine, or undefined when it has none. */
export function mirroredTofu(): TofuToolchain | undefined {
  if (![BINARY, CLI_CONFIG, PROVIDERS].every((file) => existsSync(file))) return undefined;
  const mirrored = JSON.parse(readFileSync(PROVIDERS, 'utf8')) as Record<string, string>;
  return { binary: BINARY, cliConfigFile: CLI_CONFIG, mirrored };
}

/**
 * The toolchain, built first if this machine has none yet. The first build compiles OpenTofu and
 * three providers from source and takes many minutes; later calls find everything cached.
 */
export function ensureTofu(): TofuToolchain {
  const found = mirroredTofu();
  if (found) return found;
  const setup = spawnSync('bash', [SETUP_SCRIPT], { stdio: 'inherit' });
  const built = setup.status === 0 ? mirroredTofu() : undefined;
  if (!built) {
    throw new Error(
      `scripts/setup-terraform.sh exited with ${setup.status ?? setup.signal}: OpenTofu or a provider did not build ` +
        '(its output above names the module); fix that and re-run the script.',
    );
  }
  return built;
}

export interface TofuResult {
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `tofu <args>` in a working directory with the offline mirror; throws with tofu's own output. */
export async function tofu(toolchain: TofuToolchain, cwd: string, args: readonly string[], extraEnv: Readonly<Record<string, string>> = {}): Promise<TofuResult> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    // TF_VAR_* values (credentials): the environment keeps them off the command line.
    ...extraEnv,
    TF_CLI_CONFIG_FILE: toolchain.cliConfigFile,
    TF_IN_AUTOMATION: '1',
    TF_INPUT: '0',
    CHECKPOINT_DISABLE: '1',
  };
  // A developer's own provider environment must not change what the test exercises.
  delete env.TF_PLUGIN_CACHE_DIR;
  delete env.KAFKA_ENABLE_TLS;
  try {
    const { stdout, stderr } = await execFileAsync(toolchain.binary, [...args], {
      cwd,
      env,
      maxBuffer: 64 * 1024 * 1024,
    });
    return { stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    throw new Error(
      `tofu ${args.join(' ')} failed in ${cwd} (exit ${failed.code ?? '?'}):\n${failed.stderr ?? ''}\n${failed.stdout ?? ''}`,
    );
  }
}

/** The parts of a synthesized cdk.tf.json this module reads and rewrites. */
export interface TerraformJson {
  terraform?: { required_providers?: Record<string, { source?: string; version?: string }> };
  [key: string]: unknown;
}

/**
 * Points every required provider at the version the offline mirror holds, and returns what it
 * changed as "source: pinned -> mirrored". Needed because the Go module proxy reachable here does
 * not serve every release: the prebuilt docker and random bindings pin versions that cannot be
 * built here (scripts/setup-terraform.sh says which versions it builds instead).
 */
export function pinToMirror(tf: TerraformJson, toolchain: TofuToolchain): string[] {
  const changes: string[] = [];
  const bySource = new Map(Object.entries(toolchain.mirrored).map(([source, version]) => [source.toLowerCase(), version]));
  for (const [name, requirement] of Object.entries(tf.terraform?.required_providers ?? {})) {
    const source = (requirement.source ?? `hashicorp/${name}`).toLowerCase();
    const mirroredVersion = bySource.get(source);
    if (mirroredVersion === undefined) {
      throw new Error(
        `provider ${requirement.source ?? name} is required by the stack but not built into the offline mirror; ` +
          'add it to BUILDS in scripts/setup-terraform.sh.',
      );
    }
    if (requirement.version !== mirroredVersion) {
      changes.push(`${source}: ${requirement.version ?? '(any)'} -> ${mirroredVersion}`);
      requirement.version = mirroredVersion;
    }
  }
  return changes;
}
