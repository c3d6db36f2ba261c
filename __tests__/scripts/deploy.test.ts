/**
 * `npm run deploy`'s prerequisite checks: each missing piece gives one message saying what is
 * wrong and how to fix it. The commands are answered by a table instead of a real docker and
 * terraform, which a unit test must not need.
 */
import { main, missingPrerequisites, type CommandResult, type RunCommand } from '../../scripts/deploy';

const ok = (stdout: string): CommandResult => ({ status: 0, stdout, stderr: '' });
const notFound: CommandResult = { status: null, stdout: '', stderr: '', error: 'spawnSync docker ENOENT' };

/** A machine where everything is there, with `overrides` keyed by "program first-arg". */
function machine(overrides: Record<string, CommandResult> = {}): RunCommand {
  const answers: Record<string, CommandResult> = {
    'docker version': ok('28.2.2\n'),
    'docker info': ok('28.2.2\n'),
    'terraform version': ok('Terraform v1.9.8\non linux_amd64\n'),
    'tofu version': ok('OpenTofu v1.12.6\n'),
    ...overrides,
  };
  return (program, args) => answers[`${program} ${args[0]}`] ?? notFound;
}

describe('missingPrerequisites', () => {
  it('finds nothing missing on a complete machine, with Terraform or with OpenTofu', () => {
    expect(missingPrerequisites(machine(), {}, '20.20.2')).toEqual([]);
    expect(missingPrerequisites(machine({ 'terraform version': notFound }), { TERRAFORM_BINARY_NAME: 'tofu' }, '22.1.0')).toEqual([]);
  });

  it('names each missing piece and how to get it', () => {
    expect(missingPrerequisites(machine({ 'docker version': notFound }), {}, '20.20.2')).toEqual([expect.stringContaining('the docker CLI is not on PATH: install Docker Engine')]);
    expect(
      missingPrerequisites(machine({ 'docker info': { status: 1, stdout: '', stderr: 'Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?\n' } }), {}, '20.20.2'),
    ).toEqual(['no Docker engine answers (Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?): start it (Docker Desktop, or `sudo systemctl start docker`), or point DOCKER_HOST at a running engine']);
    expect(missingPrerequisites(machine({ 'terraform version': notFound }), {}, '20.20.2')).toEqual([expect.stringMatching(/^terraform is not on PATH: install Terraform >= 1.5 or OpenTofu \(then export TERRAFORM_BINARY_NAME=tofu\)/)]);
    expect(missingPrerequisites(machine({ 'terraform version': ok('Terraform v1.3.9\n') }), {}, '20.20.2')).toEqual(['Terraform v1.3.9 is too old: the stack uses terraform_data, which needs Terraform >= 1.5']);
    expect(missingPrerequisites(machine(), {}, '18.19.0')).toEqual([expect.stringContaining('Node.js 18.19.0 is too old')]);
  });

  it('lists every problem at once', () => {
    expect(missingPrerequisites(() => notFound, {}, '16.0.0')).toHaveLength(3);
  });
});

describe('main', () => {
  let stderr: string;
  let stdout: string;
  beforeEach(() => {
    stderr = '';
    stdout = '';
    jest.spyOn(process.stderr, 'write').mockImplementation((c: string | Uint8Array) => ((stderr += String(c)), true));
    jest.spyOn(process.stdout, 'write').mockImplementation((c: string | Uint8Array) => ((stdout += String(c)), true));
  });
  afterEach(() => jest.restoreAllMocks());

  it('prints its usage for --help and deploys nothing', () => {
    expect(main(['--help'], () => notFound)).toBe(0);
    expect(stdout).toContain('Usage: npm run deploy');
  });

  it('exits 1 before deploying when a prerequisite is missing', () => {
    expect(main([], machine({ 'docker version': notFound }), {})).toBe(1);
    expect(stderr).toContain('Cannot deploy yet (1 problem):\n  - the docker CLI is not on PATH');
    expect(stdout).toBe('');
  });
});
