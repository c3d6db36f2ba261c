import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../lib/project-root';

/**
 * `npx cdktf synth` as a user runs it, on a PATH that holds node and nothing else: no terraform,
 * no tofu, no docker. CHECKPOINT_DISABLE keeps cdktf from calling its version-check service.
 */
describe('cdktf synth without Docker or Terraform', () => {
  it('writes the stack JSON', () => {
    const bin = mkdtempSync(join(tmpdir(), 'node-only-'));
    symlinkSync(process.execPath, join(bin, 'node'));
    const out = mkdtempSync(join(tmpdir(), 'synth-'));
    const result = spawnSync(join(PROJECT_ROOT, 'node_modules/.bin/cdktf'), ['synth', '--output', out], {
      cwd: PROJECT_ROOT,
      env: { HOME: process.env.HOME ?? tmpdir(), PATH: `${bin}:/bin`, CHECKPOINT_DISABLE: '1', CI: '1' },
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect(result.stderr).not.toMatch(/error/i);
    expect(result.status).toBe(0);
    const file = join(out, 'stacks', 'analytics-lab', 'cdk.tf.json');
    expect(existsSync(file)).toBe(true);
    const tf = JSON.parse(readFileSync(file, 'utf8')) as { resource: Record<string, unknown> };
    expect(Object.keys(tf.resource)).toEqual(expect.arrayContaining(['docker_container', 'docker_image', 'docker_network']));
  }, 120_000);
});
