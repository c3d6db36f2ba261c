/**
 * `ops/connect/cli.ts apply|delete|--help`: run by a connect RestObject's provisioners with
 * OBJECT_ENDPOINT (the Kafka Connect REST URL) and OBJECT_SPEC ({name, config}). Its timeouts are
 * the CONNECT_APPLY_* rows of ops/timeouts.ts.
 */
import { objectCliMain, runAsScript, type ObjectCli, type ObjectRun } from '../object-cli';
import { ConnectApplier } from './applier';
import { validateConnectorSpec, type ConnectorSpec } from './rest';

function applier(run: ObjectRun<'connect', ConnectorSpec>): ConnectApplier {
  return new ConnectApplier(run.endpoint, { ...run.timeouts, log: run.log });
}

export const CONNECT_CLI: ObjectCli<'connect', ConnectorSpec> = {
  tool: 'connect',
  service: 'Kafka Connect',
  object: 'one connector',
  specHelp: 'the connector as JSON: {name, config} (config values are strings, as Connect wants them)',
  verbs: {
    apply: 'create the connector, or update it when its config changed, then wait until it and its tasks are RUNNING',
    delete: 'delete the connector and wait until no worker lists it',
  },
  readSpec: validateConnectorSpec,
  name: (spec) => `connector "${spec.name}"`,
  apply: (run) => applier(run).apply(run.spec),
  delete: (run) => applier(run).delete(run.spec.name),
};

/** Runs one verb and returns the exit status (for tests); the process runs it below. */
export const main = objectCliMain(CONNECT_CLI);

if (require.main === module) runAsScript(main);
