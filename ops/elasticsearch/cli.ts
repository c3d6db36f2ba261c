/**
 * `ops/elasticsearch/cli.ts apply|delete`: run by the stack's RestObject provisioners with
 * OBJECT_ENDPOINT (the Elasticsearch URL from the host) and OBJECT_SPEC ({name, body} of an index template).
 */
import { readObjectEnv } from '../object-env';
import { goneMessage, serviceGone } from '../service-gone';
import { ElasticsearchApplier, validateIndexTemplateSpec } from './applier';

async function main(verb: string | undefined): Promise<void> {
  if (verb !== 'apply' && verb !== 'delete') {
    throw new Error(`usage: ops/elasticsearch/cli.ts apply|delete (got ${JSON.stringify(verb)}); OBJECT_ENDPOINT and OBJECT_SPEC come from the environment`);
  }
  const { endpoint, spec: raw } = readObjectEnv<unknown>();
  const spec = validateIndexTemplateSpec(raw);
  const applier = new ElasticsearchApplier(endpoint);
  if (verb === 'apply') {
    await applier.putTemplate(spec);
    return;
  }
  const gone = await serviceGone(endpoint);
  if (gone) console.log(goneMessage('elasticsearch', `index template "${spec.name}"`, endpoint, gone));
  else await applier.deleteTemplate(spec.name);
}

main(process.argv[2]).catch((e: unknown) => {
  console.error(`elasticsearch ${process.argv[2] ?? ''} failed: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
