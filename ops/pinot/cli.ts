/**
 * `ops/pinot/cli.ts apply|delete|--help`: run by a pinot RestObject's provisioners with
 * OBJECT_ENDPOINT (the Pinot controller URL from the host) and OBJECT_SPEC ({schema, tableConfig}
 * of one table). Its timeouts are the PINOT_APPLY_* rows of ops/timeouts.ts.
 */
import { objectCliMain, runAsScript, type ObjectCli, type ObjectRun } from '../object-cli';
import { PinotApplier, pinotTableLabel, validatePinotTableSpec, type PinotTableSpec } from './applier';

function applier(run: ObjectRun<'pinot', PinotTableSpec>): PinotApplier {
  return new PinotApplier(run.endpoint, { ...run.timeouts, log: run.log });
}

export const PINOT_CLI: ObjectCli<'pinot', PinotTableSpec> = {
  tool: 'pinot',
  service: 'Pinot',
  object: 'one table and its schema',
  specHelp: 'the table as JSON: {schema, tableConfig}, as POST /schemas and POST /tables take them',
  verbs: {
    apply: 'wait for the controller health check, then add (override) the schema and add the table, or update it when it exists',
    delete: 'wait for the controller health check, then delete the table and its schema (either already gone is fine)',
  },
  readSpec: validatePinotTableSpec,
  name: pinotTableLabel,
  apply: (run) => applier(run).apply(run.spec),
  delete: (run) => applier(run).delete(run.spec),
};

/** Runs one verb and returns the exit status (for tests); the process runs it below. */
export const main = objectCliMain(PINOT_CLI);

if (require.main === module) runAsScript(main);
