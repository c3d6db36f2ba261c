/**
 * How the project's Node processes run a TypeScript entry point: under the require hook that keeps
 * transpiled JavaScript per file content in .cache/ts-transpiled/ (scripts/ts-cache.js), from the
 * project root. The appliers' provisioner commands and their --help say it with these words, and
 * cdktf.json's app does the same.
 */
export const RUN_TYPESCRIPT = 'node --require ./scripts/ts-cache.js';
