/**
 * The one error the ops appliers throw. A failed provisioner is all a user sees of a failed
 * deploy, so it must say, without the user opening any code: which object (and, for a ksqlDB
 * statement, its file, line and text), what the service itself said, and how to fix it
 * (for a timeout: the setting to raise).
 */
import { WaitTimeout } from './poll';

/** How an object is named in messages. */
export interface AppliedObject {
  /** `STREAM PAYMENTS_RAW`, `connector "moodle-cdc"`, `index template "pipeline-ratings"`. */
  readonly label: string;
  /** Where it is declared, when a file declares it: `ksql/payments.sql:7`. */
  readonly location?: string;
  /** The ksqlDB statement, shown indented so that it can be found and pasted into the ksql CLI. */
  readonly statement?: string;
}

export class ApplyError extends Error {
  constructor(
    readonly object: AppliedObject,
    /** What was being done: `create`, `apply`, `drop`, `delete`. */
    readonly action: string,
    /** The service, as users know it: `ksqlDB`, `Kafka Connect`, `Elasticsearch`. */
    readonly service: string,
    /** The service's own message (verbatim), or, after a wait, what it last answered. */
    readonly serverMessage: string,
    readonly fix: string,
  ) {
    super(
      `${object.location ? `${object.location}: ` : ''}${action} ${object.label} failed\n` +
        `${service} says: ${serverMessage}\n` +
        (object.statement === undefined ? '' : `statement:\n${indent(object.statement)}\n`) +
        `fix: ${fix}`,
    );
    this.name = 'ApplyError';
  }
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((l) => `  ${l}`)
    .join('\n');
}

/** An error that carries the service's verbatim message (ksqlDB's KsqlServerError). */
function serverMessageOf(e: unknown): string {
  if (typeof e === 'object' && e !== null && 'serverMessage' in e && typeof e.serverMessage === 'string') return e.serverMessage;
  return e instanceof Error ? e.message : String(e);
}

/**
 * Any failure of a step, as an ApplyError for `object`: a timeout keeps its own fix (the setting
 * to raise); other failures get `fix`. An ApplyError passes through unchanged.
 */
export function asApplyError(e: unknown, object: AppliedObject, action: string, service: string, fix: string): ApplyError {
  if (e instanceof ApplyError) return e;
  if (e instanceof WaitTimeout) return new ApplyError(object, action, service, e.description, e.fix);
  return new ApplyError(object, action, service, serverMessageOf(e), fix);
}
