/**
 * Where Terraform keeps a lab's state. The default project keeps cdktf's own default,
 * terraform.<stack>.tfstate at the project root, so a deployed lab keeps its state across
 * upgrades. Any other project (LAB_PROJECT) keeps its own, terraform.<stack>.<project>.tfstate:
 * with one shared file, the rehearsal (project e2e) planned against a deployed lab's state, and its
 * apply would have replaced that lab's containers with its own.
 */
import { LocalBackend, type TerraformStack } from 'cdktf';
import { DEFAULT_CONFIG } from '../config/defaults';

/** The state file of a project's lab, relative to the project root; undefined for cdktf's default. */
export function projectStateFile(stackName: string, project: string): string | undefined {
  return project === DEFAULT_CONFIG.project ? undefined : `terraform.${stackName}.${project}.tfstate`;
}

/**
 * Points the stack at its project's state file. Relative to where Terraform runs, the stack's
 * folder cdktf.out/stacks/<stack>, so that synthesized JSON holds no absolute path.
 */
export function useProjectState(stack: TerraformStack, stackName: string, project: string): void {
  const file = projectStateFile(stackName, project);
  if (file !== undefined) new LocalBackend(stack, { path: `../../../${file}` });
}
