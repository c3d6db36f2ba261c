/**
 * The one shape of the ops CLIs (`ops/<tool>/cli.ts apply|delete`), which the stack's RestObject
 * provisioners run with OBJECT_ENDPOINT and OBJECT_SPEC (constructs/rest-object.ts). Each tool
 * declares what differs (how to read its spec, how to apply and delete); this module does the
 * rest the same way for all: the exit codes, the --help text, the timeouts from the environment,
 * and the destroy rule that a delete whose service is gone succeeds.
 */
import { RUN_TYPESCRIPT } from '../lib/run-typescript';
import { readObjectEnv } from './object-env';
import { goneMessage, serviceGone } from './service-gone';
import { allTimeoutSettings, formatSetting, readSetting, readTimeouts, TIMEOUTS, type OpsTool, type Timeouts } from './timeouts';

/** What one run hands the tool: the object and the settings read from the environment. */
export interface ObjectRun<T extends OpsTool, Spec> {
  readonly endpoint: string;
  readonly spec: Spec;
  readonly timeouts: Timeouts<T>;
  /** A progress line on stdout, prefixed with the tool's name. */
  readonly log: (line: string) => void;
}

export interface ObjectCli<T extends OpsTool, Spec> {
  readonly tool: T;
  /** The service, as users know it (`ksqlDB`). */
  readonly service: string;
  /** What one run manages, for --help: `one ksqlDB object (a stream, a table or an INSERT INTO query)`. */
  readonly object: string;
  /** What OBJECT_SPEC holds, for --help. */
  readonly specHelp: string;
  /** What each verb does, for --help. */
  readonly verbs: { readonly apply: string; readonly delete: string };
  /** Checks OBJECT_SPEC (parsed JSON) and returns it typed; throws naming what is wrong. */
  readonly readSpec: (raw: unknown) => Spec;
  /** The object in the line that says a delete found its service gone. */
  readonly name: (spec: Spec) => string;
  readonly apply: (run: ObjectRun<T, Spec>) => Promise<unknown>;
  readonly delete: (run: ObjectRun<T, Spec>) => Promise<unknown>;
}

export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

function write(stream: NodeJS.WriteStream, text: string): void {
  stream.write(text.endsWith('\n') ? text : `${text}\n`);
}

function script(tool: OpsTool): string {
  return `ops/${tool}/cli.ts`;
}

/** The --help text: verbs, the environment it reads, and every timeout with its default. */
export function helpText<T extends OpsTool, Spec>(cli: ObjectCli<T, Spec>): string {
  const timeouts = allTimeoutSettings(cli.tool);
  const width = Math.max(...timeouts.map((t) => t.env.length), 'OBJECT_ENDPOINT'.length);
  const row = (name: string, text: string): string => `  ${name.padEnd(width)}  ${text}`;
  return [
    `usage: ${RUN_TYPESCRIPT} ${script(cli.tool)} apply|delete|--help`,
    '',
    `Applies or deletes ${cli.object} in ${cli.service}. The stack's provisioners run it on`,
    '`cdktf deploy` (apply) and `cdktf destroy` (delete); run it by hand to retry one object.',
    '',
    'verbs:',
    row('apply', cli.verbs.apply),
    row('delete', `${cli.verbs.delete}; when nothing answers at OBJECT_ENDPOINT the service is gone, and the delete succeeds at once`),
    '',
    'environment:',
    row('OBJECT_ENDPOINT', `the ${cli.service} URL as this machine reaches it`),
    row('OBJECT_SPEC', cli.specHelp),
    '',
    'timeouts (environment; default; meaning):',
    ...timeouts.map((t) => row(t.env, `${formatSetting(t)}; ${t.meaning}`)),
    '',
    `exit status: ${EXIT.ok} done, ${EXIT.failed} failed (the object, ${cli.service}'s message and the fix on stderr), ${EXIT.usage} usage error`,
  ].join('\n');
}

/** Runs one verb; returns the exit status instead of exiting, so that tests can call it. */
export async function runObjectCli<T extends OpsTool, Spec>(cli: ObjectCli<T, Spec>, argv: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  const [verb, ...rest] = argv;
  if (verb === '--help' || verb === '-h') {
    write(process.stdout, helpText(cli));
    return EXIT.ok;
  }
  if ((verb !== 'apply' && verb !== 'delete') || rest.length > 0) {
    write(process.stderr, `usage: ${script(cli.tool)} apply|delete|--help (got '${argv.join(' ')}'), with OBJECT_ENDPOINT and OBJECT_SPEC set; --help says more`);
    return EXIT.usage;
  }
  try {
    // Settings first: a mistyped variable fails the same way whatever the object.
    const timeouts = readTimeouts(cli.tool, env);
    const run: ObjectRun<T, Spec> = {
      ...readObject(cli, env),
      timeouts,
      log: (line) => write(process.stdout, `[${cli.tool}] ${line}`),
    };
    if (verb === 'apply') {
      await cli.apply(run);
      return EXIT.ok;
    }
    // Destroy must not stop half way: a service that is gone took its objects with it.
    const gone = await serviceGone(run.endpoint, readSetting(TIMEOUTS[cli.tool].probeTimeoutMs, env));
    if (gone) run.log(goneMessage(cli.tool, cli.name(run.spec), run.endpoint, gone));
    else await cli.delete(run);
    return EXIT.ok;
  } catch (e) {
    write(process.stderr, e instanceof Error ? e.message : String(e));
    return EXIT.failed;
  }
}

function readObject<T extends OpsTool, Spec>(cli: ObjectCli<T, Spec>, env: NodeJS.ProcessEnv): { endpoint: string; spec: Spec } {
  const { endpoint, spec } = readObjectEnv<unknown>(env);
  return { endpoint, spec: cli.readSpec(spec) };
}

export type CliMain = (argv: readonly string[], env?: NodeJS.ProcessEnv) => Promise<number>;

/** A tool's main(argv, env): its run, with the real environment unless a test passes another. */
export function objectCliMain<T extends OpsTool, Spec>(cli: ObjectCli<T, Spec>): CliMain {
  return (argv, env = process.env) => runObjectCli(cli, argv, env);
}

/**
 * Runs main on the process's arguments. It sets the exit status rather than exiting, so that
 * stdout and stderr are flushed when they are pipes (as under Terraform's local-exec).
 */
export function runAsScript(main: CliMain): void {
  void main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
