/**
 * `npm run deploy`: checks what a deploy needs on this machine, each missing piece with the way to
 * get it, then runs `cdktf deploy --auto-approve` and prints where every UI and API answers.
 * Extra arguments go to `cdktf deploy` (e.g. `npm run deploy -- --ignore-missing-stack-dependencies`).
 */
import { spawnSync } from 'node:child_process';

export interface CommandResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** Set when the program could not be started at all (not on PATH). */
  readonly error?: string;
}

export type RunCommand = (program: string, args: readonly string[]) => CommandResult;

export const runCommand: RunCommand = (program, args) => {
  const r = spawnSync(program, args, { encoding: 'utf8', timeout: 30_000 });
  return { status: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '', error: r.error?.message };
};

/** The Terraform CLI cdktf will run: TERRAFORM_BINARY_NAME (e.g. tofu), else terraform. */
export function terraformBinary(env: NodeJS.ProcessEnv): string {
  return env.TERRAFORM_BINARY_NAME?.trim() || 'terraform';
}

const MIN_NODE_MAJOR = 20;
const MIN_TERRAFORM: readonly [number, number] = [1, 5];

function versionAtLeast(text: string, min: readonly [number, number]): boolean | undefined {
  const m = /(\d+)\.(\d+)\.\d+/.exec(text);
  if (!m) return undefined;
  const [major, minor] = [Number(m[1]), Number(m[2])];
  return major > min[0] || (major === min[0] && minor >= min[1]);
}

/** Every prerequisite that is missing, each naming what is wrong and how to fix it. */
export function missingPrerequisites(run: RunCommand, env: NodeJS.ProcessEnv, nodeVersion: string = process.versions.node): string[] {
  const problems: string[] = [];
  if (Number(nodeVersion.split('.')[0]) < MIN_NODE_MAJOR) {
    problems.push(`Node.js ${nodeVersion} is too old: the deploy runs this project's appliers with Node.js ${MIN_NODE_MAJOR} or newer; install a current LTS from https://nodejs.org`);
  }

  const client = run('docker', ['version', '--format', '{{.Client.Version}}']);
  if (client.error || client.status === null) {
    problems.push('the docker CLI is not on PATH: install Docker Engine (Linux) or Docker Desktop (macOS, Windows); the deploy builds two images with `docker build`');
  } else {
    const server = run('docker', ['info', '--format', '{{.ServerVersion}}']);
    if (server.status !== 0 || server.stdout.trim() === '') {
      const detail = (server.stderr || server.stdout).trim().split('\n')[0] ?? '';
      problems.push(
        `no Docker engine answers${detail ? ` (${detail})` : ''}: start it (Docker Desktop, or \`sudo systemctl start docker\`), or point DOCKER_HOST at a running engine`,
      );
    }
  }

  const tf = terraformBinary(env);
  const version = run(tf, ['version']);
  if (version.error || version.status === null) {
    problems.push(
      `${tf} is not on PATH: install Terraform >= ${MIN_TERRAFORM.join('.')} or OpenTofu (then export TERRAFORM_BINARY_NAME=tofu); without registry access, bash scripts/setup-terraform.sh builds OpenTofu and the providers into an offline mirror`,
    );
  } else if (tf === 'terraform' && versionAtLeast(version.stdout, MIN_TERRAFORM) === false) {
    problems.push(`${version.stdout.trim().split('\n')[0]} is too old: the stack uses terraform_data, which needs Terraform >= ${MIN_TERRAFORM.join('.')}`);
  }
  return problems;
}

const HELP = `Usage: npm run deploy [-- <cdktf deploy arguments>]

Checks Node.js, the docker CLI and engine, and Terraform (or OpenTofu with
TERRAFORM_BINARY_NAME=tofu), then runs \`cdktf deploy --auto-approve\` for the
stack of the current configuration (lab.config.json, LAB_* variables; see
README "Configuration") and prints the URL of every UI and API.

Exit status: 0 deployed, 1 a prerequisite is missing or the deploy failed.`;

export function main(argv: readonly string[], run: RunCommand = runCommand, env: NodeJS.ProcessEnv = process.env): number {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }
  const problems = missingPrerequisites(run, env);
  if (problems.length > 0) {
    process.stderr.write(`Cannot deploy yet (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n${problems.map((p) => `  - ${p}`).join('\n')}\n`);
    return 1;
  }
  process.stdout.write('Prerequisites found: Node.js, docker CLI and engine, Terraform. Deploying (the first deploy builds two images and pulls about 10 GB)...\n');
  const deploy = spawnSync('npx', ['cdktf', 'deploy', '--auto-approve', ...argv], { stdio: 'inherit', env });
  if (deploy.status !== 0) {
    process.stderr.write(`cdktf deploy failed (exit ${deploy.status ?? deploy.signal}); its output above names the resource and the service's message. Fix it and run npm run deploy again: the deploy resumes where it stopped.\n`);
    return 1;
  }
  process.stdout.write('\nDeployed. Where everything answers (npx cdktf output prints these again):\n');
  spawnSync('npx', ['cdktf', 'output'], { stdio: 'inherit', env });
  return 0;
}

if (require.main === module) {
  process.exit(main(process.argv.slice(2)));
}
