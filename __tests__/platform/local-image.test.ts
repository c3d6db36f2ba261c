/**
 * Images built from this project's sources: the tag follows the build inputs (so a code change
 * shows in `cdktf diff` and replaces the containers), and the docker CLI command builds that tag.
 */
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { dockerBuildCommand, sourceTag } from '../../platform/local-image';

describe('sourceTag', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'local-image-'));
    mkdirSync(join(root, 'src'));
    writeFileSync(join(root, 'Dockerfile'), 'FROM scratch\n');
    writeFileSync(join(root, 'src', 'a.ts'), 'export const a = 1;\n');
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  const tag = (args: Record<string, string> = { NODE_IMAGE: 'node:22' }): string => sourceTag(['Dockerfile', 'src'], args, root);

  it('is stable for the same inputs and arguments, whatever their order', () => {
    expect(tag()).toMatch(/^src-[0-9a-f]{16}$/);
    expect(tag()).toBe(tag());
    expect(sourceTag(['Dockerfile', 'src'], { A: '1', B: '2' }, root)).toBe(sourceTag(['Dockerfile', 'src'], { B: '2', A: '1' }, root));
  });

  it('changes with a source file, a new file, the Dockerfile or a build argument', () => {
    const before = tag();
    writeFileSync(join(root, 'src', 'a.ts'), 'export const a = 2;\n');
    const edited = tag();
    expect(edited).not.toBe(before);
    writeFileSync(join(root, 'src', 'b.ts'), '');
    const added = tag();
    expect(added).not.toBe(edited);
    writeFileSync(join(root, 'Dockerfile'), 'FROM scratch\nUSER 1000\n');
    expect(tag()).not.toBe(added);
    expect(tag({ NODE_IMAGE: 'node:24' })).not.toBe(tag());
  });
});

describe('dockerBuildCommand', () => {
  it('builds the tag from the context with every build argument, quoted for the shell', () => {
    expect(dockerBuildCommand('lab/app:src-0123456789abcdef', { context: '.', buildArgs: { NODE_IMAGE: 'node:22.23.3-bookworm-slim' } })).toBe(
      "docker build --tag 'lab/app:src-0123456789abcdef' --build-arg 'NODE_IMAGE=node:22.23.3-bookworm-slim' '.'",
    );
  });

  it('passes hostile values through the shell unchanged', () => {
    const command = dockerBuildCommand("t:x", { context: "dir with 'quote'", dockerfile: 'a b/Dockerfile', buildArgs: { X: "$(touch /tmp/pwned) `id` 'q'" } });
    // The shell sees exactly the intended arguments: echo them back instead of running docker.
    const out = execFileSync('sh', ['-c', `printf '%s\\n' ${command.replace(/^docker build /, '')}`], { encoding: 'utf8' });
    expect(out.split('\n').filter(Boolean)).toEqual(['--tag', 't:x', '--file', 'a b/Dockerfile', '--build-arg', "X=$(touch /tmp/pwned) `id` 'q'", "dir with 'quote'"]);
  });
});
