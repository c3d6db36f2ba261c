/**
 * Runs the project's own applier (ops/ksql/applier.ts) against a real ksqlDB the way the deploy's
 * provisioners do: a fresh client and applier per object. It records every command sent (CREATE,
 * INSERT, DROP, TERMINATE) and every log line, so tests can say what changed and in what order.
 */
import { KsqlApplier, type ApplyOutcome, type DeleteOutcome, type KsqlObjectSpec } from '../../ops/ksql/applier';
import { KsqlRestClient, type KsqlEntity, type QueryDescription } from '../../ops/ksql/rest-client';

class RecordingClient extends KsqlRestClient {
  constructor(
    endpoint: string,
    private readonly sent: string[],
  ) {
    super({ endpoint, startupTimeoutMs: 120_000, commandTimeoutMs: 120_000, requestTimeoutMs: 60_000, pollIntervalMs: 250 });
  }

  override command(statement: string, properties: Readonly<Record<string, string>> = {}): Promise<KsqlEntity> {
    this.sent.push(statement.trim().replace(/\s+/g, ' '));
    return super.command(statement, properties);
  }
}

export class ApplierRun {
  readonly commands: string[] = [];
  readonly log: string[] = [];

  constructor(readonly endpoint: string) {}

  client(): KsqlRestClient {
    return new KsqlRestClient({ endpoint: this.endpoint, startupTimeoutMs: 120_000, commandTimeoutMs: 120_000, requestTimeoutMs: 60_000, pollIntervalMs: 250 });
  }

  private applier(): KsqlApplier {
    return new KsqlApplier(new RecordingClient(this.endpoint, this.commands), (line) => this.log.push(line));
  }

  async applyAll(specs: readonly KsqlObjectSpec[]): Promise<Record<string, ApplyOutcome>> {
    const outcomes: Record<string, ApplyOutcome> = {};
    for (const spec of specs) outcomes[spec.name] = await this.applier().apply(spec);
    return outcomes;
  }

  apply(spec: KsqlObjectSpec): Promise<ApplyOutcome> {
    return this.applier().apply(spec);
  }

  /** As `cdktf destroy` runs the delete provisioners: dependents first. */
  async destroyAll(specs: readonly KsqlObjectSpec[]): Promise<Record<string, DeleteOutcome>> {
    const outcomes: Record<string, DeleteOutcome> = {};
    for (const spec of [...specs].reverse()) outcomes[spec.name] = await this.applier().delete(spec);
    return outcomes;
  }

  /** Commands sent since `mark` (a length of `commands`), with query ids' generated suffixes as `<n>`. */
  commandsSince(mark: number): string[] {
    return this.commands.slice(mark).map((c) => c.replace(/^(TERMINATE C[ST]AS_\w+?)_\d+;?$/, '$1_<n>').replace(/;$/, ''));
  }

  /** Polls until every persistent query is RUNNING; returns them, or throws naming those that are not. */
  async queriesRunning(timeoutMs = 120_000): Promise<QueryDescription[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const queries = await this.client().describeQueries();
      const notRunning = queries.filter((q) => q.state !== 'RUNNING');
      if (notRunning.length === 0) return queries;
      if (Date.now() > deadline) throw new Error(`queries not RUNNING after ${timeoutMs / 1000}s: ${notRunning.map((q) => `${q.id} ${q.state}`).join(', ')}`);
      await new Promise((r) => setTimeout(r, 1_000));
    }
  }
}

/** The statement with one fragment replaced; fails when the fragment is not in it (a script edit would make the test vacuous). */
export function changed(spec: KsqlObjectSpec, from: string, to: string): KsqlObjectSpec {
  if (!spec.statement.includes(from)) throw new Error(`${spec.file}:${spec.line} ${spec.name} no longer contains ${from}; update the test`);
  return { ...spec, statement: spec.statement.replace(from, to) };
}
