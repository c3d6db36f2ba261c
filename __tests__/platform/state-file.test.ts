/**
 * stacks/state-file.ts: a lab under another project name (the rehearsal's e2e) keeps its own
 * Terraform state, so that its apply never plans against a deployed lab's state.
 */
import { STACK_NAME } from '../../stacks/app';
import { projectStateFile } from '../../stacks/state-file';
import { configWith, synthStack, type Json } from '../support/synth';

function backendOf(tf: Json): unknown {
  return (tf.terraform as Json | undefined)?.backend;
}

it("keeps cdktf's default state file for the default project, so a deployed lab keeps its state", () => {
  expect(projectStateFile(STACK_NAME, 'lab')).toBeUndefined();
  expect(backendOf(synthStack(configWith()))).toBeUndefined();
});

it('gives any other project its own state file, named relative to the stack folder (no absolute path)', () => {
  expect(projectStateFile(STACK_NAME, 'e2e')).toBe('terraform.analytics-lab.e2e.tfstate');
  expect(backendOf(synthStack(configWith({ project: 'e2e' })))).toEqual({ local: { path: '../../../terraform.analytics-lab.e2e.tfstate' } });
  expect(backendOf(synthStack(configWith({ project: 'team2' })))).toEqual({ local: { path: '../../../terraform.analytics-lab.team2.tfstate' } });
});
