import { App, Testing } from 'cdktf';
import type { LabConfig } from '../config/types';
import { AnalyticsStack } from './analytics-stack';

/** The one stack `cdktf deploy` deploys. */
export const STACK_NAME = 'analytics-lab';

export function buildApp(config: LabConfig, app: App = new App()): { app: App; stack: AnalyticsStack } {
  const stack = new AnalyticsStack(app, STACK_NAME, config);
  return { app, stack };
}

export type Json = Record<string, unknown>;

/** Synthesizes the whole stack in memory (no cdktf.out) and returns the parsed Terraform JSON. */
export function synthStackJson(config: LabConfig): Json {
  const { stack } = buildApp(config, Testing.app());
  return JSON.parse(Testing.synth(stack)) as Json;
}
