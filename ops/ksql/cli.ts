/**
 * `ops/ksql/cli.ts apply|delete|--help`: run by a ksql RestObject's provisioners with
 * OBJECT_ENDPOINT (ksqlDB's URL) and OBJECT_SPEC (a KsqlObjectSpec as JSON). On failure it exits 1
 * with the file, line, statement, ksqlDB's message and the fix on stderr. Its timeouts are the
 * KSQL_APPLY_* rows of ops/timeouts.ts.
 */
import { withEndpointLock } from '../endpoint-lock';
import { objectCliMain, runAsScript, type ObjectCli, type ObjectRun } from '../object-cli';
import { TIMEOUTS } from '../timeouts';
import { KsqlApplier, type KsqlObjectSpec } from './applier';
import { KsqlRestClient, type CommandTurn } from './rest-client';

const SPEC_FIELDS: readonly (keyof KsqlObjectSpec)[] = ['file', 'line', 'name', 'kind', 'form', 'statement'];

function readSpec(raw: unknown): KsqlObjectSpec {
  const spec = (typeof raw === 'object' && raw !== null ? raw : {}) as Partial<KsqlObjectSpec>;
  const missing = SPEC_FIELDS.filter((f) => spec[f] === undefined);
  if (missing.length > 0) {
    throw new Error(`OBJECT_SPEC lacks ${missing.join(', ')}: it must be a ksql object spec made by constructs/ksql-objects.ts`);
  }
  return spec as KsqlObjectSpec;
}

/** How often a waiting apply asks for its turn: a turn is one request of a second or so. */
const TURN_POLL_MS = 100;

/**
 * The turn of this run's statements at its ksqlDB: Terraform runs the objects' provisioners in
 * parallel, and ksqlDB fences statements sent at once (ops/endpoint-lock.ts says more).
 */
function turnAt(run: ObjectRun<'ksql', KsqlObjectSpec>): CommandTurn {
  const lock = { tool: 'ksql', endpoint: run.endpoint, timeoutMs: run.timeouts.turnTimeoutMs, setting: TIMEOUTS.ksql.turnTimeoutMs };
  return (send) => withEndpointLock({ ...lock, pollMs: TURN_POLL_MS, log: run.log }, send);
}

/** A fresh client per run: each provisioner is its own process, with no sequence number seen yet. */
function applier(run: ObjectRun<'ksql', KsqlObjectSpec>): KsqlApplier {
  const client = new KsqlRestClient({ ...run.timeouts, endpoint: run.endpoint, log: run.log, inTurn: turnAt(run) });
  return new KsqlApplier(client, run.log);
}

export const KSQL_CLI: ObjectCli<'ksql', KsqlObjectSpec> = {
  tool: 'ksql',
  service: 'ksqlDB',
  object: 'one ksqlDB object (a stream, a table or an INSERT INTO query)',
  specHelp: 'the statement as JSON: {file, line, name, kind, form, statement, target?, dependents?}, as constructs/ksql-objects.ts makes it',
  verbs: {
    apply: 'create the object, leave it when it is the declared one, or replace it: in place where ksqlDB allows it, else together with the declared objects that read it',
    delete: 'drop the declared objects that still read it, terminate the queries that write it and drop it (its topic stays: it is a Terraform resource)',
  },
  readSpec,
  name: (spec) => `${spec.kind} ${spec.name} (${spec.file}:${spec.line})`,
  apply: (run) => applier(run).apply(run.spec),
  delete: (run) => applier(run).delete(run.spec),
};

/** Runs one verb and returns the exit status (for tests); the process runs it below. */
export const main = objectCliMain(KSQL_CLI);

if (require.main === module) runAsScript(main);
