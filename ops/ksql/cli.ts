/**
 * `cli.ts apply|delete`: run by a ksql RestObject's provisioners with OBJECT_ENDPOINT (ksqlDB's
 * URL) and OBJECT_SPEC (a KsqlObjectSpec as JSON). Exits non-zero, with the file, line,
 * statement and ksqlDB's message on stderr, when the object cannot be applied or deleted.
 * Timeouts: KSQL_APPLY_STARTUP_TIMEOUT_S, KSQL_APPLY_COMMAND_TIMEOUT_S, KSQL_APPLY_REQUEST_TIMEOUT_S,
 * KSQL_APPLY_POLL_INTERVAL_MS (see rest-client.ts for the defaults).
 */
import { readObjectEnv } from '../object-env';
import { goneMessage, serviceGone } from '../service-gone';
import { KsqlApplier, type KsqlObjectSpec } from './applier';
import { clientOptionsFromEnv, KsqlRestClient } from './rest-client';

const SPEC_FIELDS: readonly (keyof KsqlObjectSpec)[] = ['file', 'line', 'name', 'kind', 'form', 'statement'];

export async function main(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const verb = argv[0];
  if (verb !== 'apply' && verb !== 'delete') {
    process.stderr.write(`usage: cli.ts apply|delete (got '${verb ?? ''}'), with OBJECT_ENDPOINT and OBJECT_SPEC set\n`);
    return 2;
  }
  try {
    const { endpoint, spec } = readObjectEnv<KsqlObjectSpec>(env);
    const missing = SPEC_FIELDS.filter((f) => spec[f] === undefined);
    if (missing.length > 0) {
      throw new Error(`OBJECT_SPEC lacks ${missing.join(', ')}: it must be a ksql object spec made by constructs/ksql-objects.ts`);
    }
    const log = (line: string): void => void process.stdout.write(`[ksql] ${line}\n`);
    const client = new KsqlRestClient({ ...clientOptionsFromEnv(endpoint, env), log });
    const applier = new KsqlApplier(client, log);
    if (verb === 'apply') {
      await applier.apply(spec);
      return 0;
    }
    const gone = await serviceGone(endpoint);
    if (gone) log(goneMessage('ksql', `${spec.kind} ${spec.name} (${spec.file}:${spec.line})`, endpoint, gone));
    else await applier.delete(spec);
    return 0;
  } catch (e) {
    process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => process.exit(code));
}
