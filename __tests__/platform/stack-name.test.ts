/**
 * stacks/app.ts stackName: a lab under another project name (the rehearsal's e2e) is a stack of its
 * own, with its own folder and Terraform state, so that its apply never plans against a deployed
 * lab's state (one shared state file would have had the rehearsal replace that lab).
 */
import { App } from 'cdktf';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp, STACK_NAME, stackName } from '../../stacks/app';
import { configWith } from '../support/synth';

it("keeps the default project's stack name, so a deployed lab keeps its folder and state file", () => {
  expect(stackName('lab')).toBe(STACK_NAME);
  expect(STACK_NAME).toBe('analytics-lab');
});

it("synthesizes another project's lab as a stack of its own name, in a folder of its own", () => {
  expect(stackName('e2e')).toBe('analytics-lab-e2e');
  const outdir = mkdtempSync(join(tmpdir(), 'stack-name-'));
  try {
    buildApp(configWith({ project: 'e2e' }), new App({ outdir })).app.synth();
    buildApp(configWith(), new App({ outdir })).app.synth();
    expect(readdirSync(join(outdir, 'stacks')).sort()).toEqual(['analytics-lab', 'analytics-lab-e2e']);
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
});
