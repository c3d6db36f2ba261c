/**
 * `ops/elasticsearch/cli.ts apply|delete|--help`: run by an elasticsearch RestObject's
 * provisioners with OBJECT_ENDPOINT (the Elasticsearch URL from the host) and OBJECT_SPEC ({name,
 * body} of an index template). Its timeouts are the ELASTICSEARCH_APPLY_* rows of ops/timeouts.ts.
 */
import { objectCliMain, runAsScript, type ObjectCli, type ObjectRun } from '../object-cli';
import { ElasticsearchApplier, validateIndexTemplateSpec, type IndexTemplateSpec } from './applier';

function applier(run: ObjectRun<'elasticsearch', IndexTemplateSpec>): ElasticsearchApplier {
  return new ElasticsearchApplier(run.endpoint, { ...run.timeouts, log: run.log });
}

export const ELASTICSEARCH_CLI: ObjectCli<'elasticsearch', IndexTemplateSpec> = {
  tool: 'elasticsearch',
  service: 'Elasticsearch',
  object: 'one composable index template',
  specHelp: 'the template as JSON: {name, body}, body being what PUT /_index_template/{name} takes',
  verbs: {
    apply: 'wait for yellow cluster health, then put the template (a PUT replaces one of the same name)',
    delete: 'wait for yellow cluster health, then delete the template (one that does not exist is fine)',
  },
  readSpec: validateIndexTemplateSpec,
  name: (spec) => `index template "${spec.name}"`,
  apply: (run) => applier(run).putTemplate(run.spec),
  delete: (run) => applier(run).deleteTemplate(run.spec.name),
};

/** Runs one verb and returns the exit status (for tests); the process runs it below. */
export const main = objectCliMain(ELASTICSEARCH_CLI);

if (require.main === module) runAsScript(main);
