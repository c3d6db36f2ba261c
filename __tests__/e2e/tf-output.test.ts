import { childrenCpuSeconds, errorBlocks, runTee } from '../../e2e/tf-output';

describe('errorBlocks', () => {
  it('finds each Error block of -no-color output with its details, and nothing else', () => {
    const output = [
      'terraform_data.ksql_X: Creating...',
      'terraform_data.ksql_X (local-exec): [ksql] waiting for ksqlDB',
      '',
      'Error: local-exec provisioner error',
      '',
      '  with terraform_data.ksql_X,',
      '  on cdk.tf.json line 120, in resource "terraform_data" "ksql_X":',
      ' 120:       "local-exec": {',
      '',
      'Error running command: exit status 1. Output: [ksql] X rejected',
      '',
      '',
      'Warning: Argument is deprecated',
      '',
      '  something',
      '',
      'Error: creating topic: timed out',
    ].join('\n');
    expect(errorBlocks(output)).toEqual([
      [
        'Error: local-exec provisioner error',
        '',
        '  with terraform_data.ksql_X,',
        '  on cdk.tf.json line 120, in resource "terraform_data" "ksql_X":',
        ' 120:       "local-exec": {',
        '',
        'Error running command: exit status 1. Output: [ksql] X rejected',
      ].join('\n'),
      'Error: creating topic: timed out',
    ]);
  });

  it('reads boxed diagnostics (│ prefixes) too', () => {
    expect(errorBlocks('╷\n│ Error: Unsupported argument\n│ \n│   on main.tf line 3\n╵\n')).toEqual(['Error: Unsupported argument\n\n  on main.tf line 3']);
  });

  it('shortens a very long block to its head and its tail (where the final error is), and says so', () => {
    const block = errorBlocks(['Error: big', ...Array.from({ length: 60 }, (_, i) => `line ${i}`)].join('\n'));
    expect(block).toHaveLength(1);
    const lines = block[0].split('\n');
    expect(lines).toHaveLength(41);
    expect(lines.slice(0, 2)).toEqual(['Error: big', 'line 0']);
    expect(lines[12]).toBe('... (21 lines left out here; the whole block is in the log above)');
    expect(lines[13]).toBe('line 32');
    expect(lines[40]).toBe('line 59');
  });

  it('finds none in a clean run', () => {
    expect(errorBlocks('Apply complete! Resources: 3 added, 0 changed, 0 destroyed.\n')).toEqual([]);
  });
});

describe('runTee', () => {
  it('keeps stdout and stderr and the exit status of the program', async () => {
    const r = await runTee(process.execPath, ['-e', 'process.stdout.write("out\\n"); process.stderr.write("Error: bad\\n"); process.exit(3)'], process.env, process.cwd());
    expect(r.status).toBe(3);
    expect(r.output).toContain('out\n');
    expect(errorBlocks(r.output)).toEqual(['Error: bad']);
  });

  it('counts the CPU time of the processes the program started and waited for', async () => {
    // The grandchild spins until it has used 0.4 s of CPU (not wall time: the machine may be busy).
    const spin = 'const t = process.cpuUsage(); while ((process.cpuUsage(t).user + process.cpuUsage(t).system) < 400000);';
    const script = `require('node:child_process').spawnSync(process.execPath, ['-e', ${JSON.stringify(spin)}], { stdio: 'inherit' });`;
    const r = await runTee(process.execPath, ['-e', script], process.env, process.cwd());
    expect(r.status).toBe(0);
    expect(r.cpuSeconds).toBeGreaterThanOrEqual(0.4);
  });

  it('stamps each stdout line with when it was read, a line split across writes included', async () => {
    const script = 'process.stdout.write("a: Creating...\\nb: Crea"); setTimeout(() => process.stdout.write("ting...\\nlast"), 300);';
    const r = await runTee(process.execPath, ['-e', script], process.env, process.cwd());
    expect(r.lines.map((l) => l.line)).toEqual(['a: Creating...', 'b: Creating...', 'last']);
    expect(r.lines[1].atMs - r.lines[0].atMs).toBeGreaterThanOrEqual(250);
  });
});

describe('childrenCpuSeconds', () => {
  it("adds the children's user and system times of bash's times", () => {
    expect(childrenCpuSeconds('0m0.004s 0m0.001s\n1m2.500s 0m0.250s\n')).toBeCloseTo(62.75, 6);
  });
  it('is undefined for anything else', () => {
    expect(childrenCpuSeconds('')).toBeUndefined();
    expect(childrenCpuSeconds('0m0.004s 0m0.001s\n')).toBeUndefined();
  });
});
