/**
 * `ops/tls/cli.ts ensure|remove|--help`: run by the stack's provisioner in `authenticated` access
 * mode to make, keep or delete the lab's CA and server certificate (ops/tls/material.ts), with
 * node:crypto only, as the deploying machine may have no openssl and Terraform no TLS provider.
 */
import { hostname, networkInterfaces } from 'node:os';
import { resolve } from 'node:path';
import { RUN_TYPESCRIPT } from '../../lib/run-typescript';
import { EXIT, runAsScript } from '../object-cli';
import { ALWAYS_HOSTS, machineHosts, parseHostList, serverHosts } from './hosts';
import { CA_VALIDITY_DAYS, describeEnsure, ensureTlsMaterial, removeTlsMaterial, RENEW_WITHIN_DAYS, SERVER_VALIDITY_DAYS, TLS_FILES } from './material';

const SCRIPT = 'ops/tls/cli.ts';

export function helpText(): string {
  const row = (name: string, text: string): string => `  ${name.padEnd(13)}  ${text}`;
  return [
    `usage: ${RUN_TYPESCRIPT} ${SCRIPT} ensure|remove|--help`,
    '',
    "Makes and keeps the lab's TLS material: a private CA and one server certificate signed by it, which",
    "the TLS proxy and Kafka's SASL_SSL listener serve. The stack's provisioner runs it on `cdktf deploy`",
    '(ensure) and `cdktf destroy` (remove); run it by hand to renew or inspect.',
    '',
    'verbs:',
    row('ensure', `keep a CA valid for more than ${RENEW_WITHIN_DAYS} days, else create one (${CA_VALIDITY_DAYS} days); issue a server certificate`),
    row('', `(${SERVER_VALIDITY_DAYS} days) when it is missing, not signed by the CA, expires within ${RENEW_WITHIN_DAYS} days or names other hosts`),
    row('remove', `delete ${Object.values(TLS_FILES).join(', ')} and the directory when it is then empty`),
    '',
    'environment:',
    row('LAB_TLS_DIR', `the directory of the files (created 0700): ${TLS_FILES.caCert} and ${TLS_FILES.serverCert} (server certificate, then the CA's) 0644,`),
    row('', `${TLS_FILES.caKey} and ${TLS_FILES.serverKey} 0600 (unencrypted PKCS#8)`),
    row('LAB_TLS_HOSTS', `comma-separated DNS names and IP addresses the server certificate must name; ${ALWAYS_HOSTS.join(', ')},`),
    row('', "this machine's host name and its non-internal, non-link-local addresses are always added"),
    '',
    `exit status: ${EXIT.ok} done, ${EXIT.failed} failed (what, why and the fix on stderr), ${EXIT.usage} usage error`,
  ].join('\n');
}

function write(stream: NodeJS.WriteStream, text: string): void {
  stream.write(text.endsWith('\n') ? text : `${text}\n`);
}

function tlsDir(env: NodeJS.ProcessEnv): string {
  const dir = env.LAB_TLS_DIR?.trim();
  if (!dir) throw new Error(`LAB_TLS_DIR is not set: it names the directory of the lab's CA and server certificate.\nfix: set it (the stack's provisioner does), e.g. LAB_TLS_DIR=.lab-tls ${SCRIPT} ensure`);
  return resolve(dir);
}

function ensure(env: NodeJS.ProcessEnv, log: (line: string) => void): void {
  const dir = tlsDir(env);
  const requested = parseHostList(env.LAB_TLS_HOSTS, 'LAB_TLS_HOSTS');
  const machine = machineHosts(hostname(), networkInterfaces());
  for (const skipped of machine.skipped) log(`left out of the certificate: ${skipped}`);
  log(describeEnsure(ensureTlsMaterial(dir, serverHosts(requested, machine.hosts))));
}

function remove(env: NodeJS.ProcessEnv, log: (line: string) => void): void {
  const dir = tlsDir(env);
  const removed = removeTlsMaterial(dir);
  log(removed.length === 0 ? `${dir}: nothing to remove` : `${dir}: removed ${removed.join(', ')}`);
}

const VERBS = { ensure, remove } as const;

/** Runs one verb and returns the exit status (for tests); the process runs it below. */
export async function main(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const [verb, ...rest] = argv;
  if (verb === '--help' || verb === '-h') {
    write(process.stdout, helpText());
    return EXIT.ok;
  }
  if ((verb !== 'ensure' && verb !== 'remove') || rest.length > 0) {
    write(process.stderr, `usage: ${SCRIPT} ensure|remove|--help (got '${argv.join(' ')}'), with LAB_TLS_DIR set; --help says more`);
    return EXIT.usage;
  }
  try {
    VERBS[verb](env, (line) => write(process.stdout, `[tls] ${line}`));
    return EXIT.ok;
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    // A file-system error names the path but not the fix; every other error here carries its own.
    const code = (e as NodeJS.ErrnoException).code;
    write(process.stderr, `[tls] ${verb} failed: ${message}${code ? `\nfix: make LAB_TLS_DIR a directory this user can write (${code})` : ''}`);
    return EXIT.failed;
  }
}

if (require.main === module) runAsScript(main);
