import { App } from 'cdktf';
import type { LabConfig } from '../config/types';
import { AnalyticsStack } from './analytics-stack';

/** The one stack `cdktf deploy` deploys. */
export const STACK_NAME = 'analytics-lab';

export function buildApp(config: LabConfig, app: App = new App()): { app: App; stack: AnalyticsStack } {
  const stack = new AnalyticsStack(app, STACK_NAME, config);
  return { app, stack };
}
