/**
 * `ops/kibana/cli.ts apply|delete|--help`: run by a kibana RestObject's provisioners with
 * OBJECT_ENDPOINT (the Kibana URL from the host) and OBJECT_SPEC ({type, id, attributes,
 * references} of one saved object). Its timeouts are the KIBANA_APPLY_* rows of ops/timeouts.ts.
 */
import { objectCliMain, runAsScript, type ObjectCli, type ObjectRun } from '../object-cli';
import { KibanaApplier, savedObjectLabel, validateSavedObjectSpec, type SavedObjectSpec } from './applier';

function applier(run: ObjectRun<'kibana', SavedObjectSpec>): KibanaApplier {
  return new KibanaApplier(run.endpoint, { ...run.timeouts, log: run.log });
}

export const KIBANA_CLI: ObjectCli<'kibana', SavedObjectSpec> = {
  tool: 'kibana',
  service: 'Kibana',
  object: 'one saved object (a data view, a saved search or a dashboard)',
  specHelp: 'the object as JSON: {type, id, attributes, references}, as POST /api/saved_objects/{type}/{id} takes them',
  verbs: {
    apply: 'wait for Kibana status available, then write the object (overwrite=true replaces one of the same type and id)',
    delete: 'wait for Kibana status available, then delete the object (one that does not exist is fine)',
  },
  readSpec: validateSavedObjectSpec,
  name: savedObjectLabel,
  apply: (run) => applier(run).put(run.spec),
  delete: (run) => applier(run).delete(run.spec),
};

/** Runs one verb and returns the exit status (for tests); the process runs it below. */
export const main = objectCliMain(KIBANA_CLI);

if (require.main === module) runAsScript(main);
