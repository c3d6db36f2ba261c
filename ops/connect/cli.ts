/**
 * `ops/connect/cli.ts apply|delete`: run by the stack's RestObject provisioners with
 * OBJECT_ENDPOINT (the Connect REST URL) and OBJECT_SPEC ({name, config}).
 */
import { readObjectEnv } from '../object-env';
import { goneMessage, serviceGone } from '../service-gone';
import { ConnectApplier } from './applier';
import { validateConnectorSpec } from './rest';

async function main(verb: string | undefined): Promise<void> {
  if (verb !== 'apply' && verb !== 'delete') {
    throw new Error(`usage: ops/connect/cli.ts apply|delete (got ${JSON.stringify(verb)}); OBJECT_ENDPOINT and OBJECT_SPEC come from the environment`);
  }
  const { endpoint, spec: raw } = readObjectEnv<unknown>();
  const spec = validateConnectorSpec(raw);
  const applier = new ConnectApplier(endpoint);
  if (verb === 'apply') {
    await applier.apply(spec);
    return;
  }
  const gone = await serviceGone(endpoint);
  if (gone) console.log(goneMessage('connect', `connector "${spec.name}"`, endpoint, gone));
  else await applier.delete(spec.name);
}

main(process.argv[2]).catch((e: unknown) => {
  console.error(`connect ${process.argv[2] ?? ''} failed: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
