import { App, Testing } from 'cdktf';
import { DEFAULT_CONFIG } from '../config/defaults';
import type { LabConfig } from '../config/types';
import { AnalyticsStack } from './analytics-stack';

/** The stack of the default project. */
export const STACK_NAME = 'analytics-lab';

/**
 * The one stack `cdktf deploy` deploys, named for the project. The default project's keeps its name,
 * so a deployed lab keeps its folder (cdktf.out/stacks/analytics-lab) and its state
 * (terraform.analytics-lab.tfstate). Any other project (LAB_PROJECT) has a stack of its own,
 * `analytics-lab-<project>`, with its own folder and state: with one shared state file, the
 * rehearsal (project e2e) planned against a deployed lab's state, and its apply would have replaced
 * that lab.
 */
export function stackName(project: string): string {
  return project === DEFAULT_CONFIG.project ? STACK_NAME : `${STACK_NAME}-${project}`;
}

export function buildApp(config: LabConfig, app: App = new App()): { app: App; stack: AnalyticsStack } {
  const stack = new AnalyticsStack(app, stackName(config.project), config);
  return { app, stack };
}

export type Json = Record<string, unknown>;

/** Synthesizes the whole stack in memory (no cdktf.out) and returns the parsed Terraform JSON. */
export function synthStackJson(config: LabConfig): Json {
  const { stack } = buildApp(config, Testing.app());
  return JSON.parse(Testing.synth(stack)) as Json;
}
