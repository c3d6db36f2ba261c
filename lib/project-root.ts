import { resolve } from 'node:path';

/**
 * The project root (this file lives in lib/): paths in declarations (a pipeline's ksqlFile, an
 * image's build inputs) are relative to it, and stay relative in messages and in the synthesized JSON.
 */
export const PROJECT_ROOT = resolve(__dirname, '..');
