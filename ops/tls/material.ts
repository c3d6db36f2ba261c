/**
 * The lab's TLS material in one directory: a private CA and one server certificate signed by it,
 * kept across deploys. `ensure` keeps what is still good and replaces only what is not, so that
 * clients that already trust the CA keep working; `remove` takes it all away on destroy.
 */
import { createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, renameSync, rmdirSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { canonicalHost, createCertificateAuthority, issueServerCertificate, readCertificate, type KeyAndCertificate } from '../../lib/x509';

/** The four files, by role. server.pem is the server certificate followed by the CA's (the chain a server sends). */
export const TLS_FILES = { caCert: 'ca.pem', caKey: 'ca.key', serverCert: 'server.pem', serverKey: 'server.key' } as const;

export const CA_VALIDITY_DAYS = 3650;
export const SERVER_VALIDITY_DAYS = 825;
/** A certificate that expires within this many days is replaced now rather than during a demo. */
export const RENEW_WITHIN_DAYS = 30;
/** notBefore lies this far back, so that a client whose clock runs a little behind accepts a fresh certificate. */
const BACKDATE_MS = 60 * 60 * 1000;

const DAY_MS = 24 * 60 * 60 * 1000;
const PUBLIC_MODE = 0o644;
const SECRET_MODE = 0o600;
const DIR_MODE = 0o700;

export const SERVER_COMMON_NAME = 'streaming-analytics-lab';

/** What ensure found and did. */
export interface EnsureOutcome {
  readonly dir: string;
  /** `kept`, or `created` with why the old one could not stay. */
  readonly ca: { readonly action: 'kept' } | { readonly action: 'created'; readonly reason: string };
  readonly server: { readonly action: 'kept' } | { readonly action: 'issued'; readonly reason: string };
  /** The server certificate's hosts (canonical). */
  readonly hosts: readonly string[];
  /** The CA certificate's expiry. */
  readonly caNotAfter: Date;
  readonly serverNotAfter: Date;
}

/** Reads a file, or undefined when it is not there; other errors (permissions) propagate. */
function readIfPresent(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

/**
 * Writes through a temp file in the same directory and a rename, so that a reader (or a deploy
 * interrupted half way) sees the old file or the new one, never a part. The temp file is created
 * with the final mode: a key is never readable by others, not even for a moment.
 */
function writeAtomically(file: string, text: string, mode: number): void {
  const temp = `${file}.tmp-${process.pid}`;
  writeFileSync(temp, text, { mode, flag: 'w' });
  try {
    chmodSync(temp, mode); // the umask may have narrowed the mode writeFileSync was given
    renameSync(temp, file);
  } catch (e) {
    try {
      unlinkSync(temp);
    } catch {
      // the rename's error is the one to report
    }
    throw e;
  }
}

interface LoadedPair {
  readonly pem: KeyAndCertificate;
  readonly certificate: X509Certificate;
  readonly key: KeyObject;
}

/** The pair in certFile/keyFile, or why it cannot be used. */
function loadPair(dir: string, certFile: string, keyFile: string): LoadedPair | string {
  const certPem = readIfPresent(join(dir, certFile));
  const keyPem = readIfPresent(join(dir, keyFile));
  if (certPem === undefined) return `${certFile} is missing`;
  if (keyPem === undefined) return `${keyFile} is missing`;
  let certificate: X509Certificate;
  let key: KeyObject;
  try {
    certificate = new X509Certificate(certPem);
  } catch (e) {
    return `${certFile} does not parse (${(e as Error).message})`;
  }
  try {
    key = createPrivateKey(keyPem);
  } catch (e) {
    return `${keyFile} does not parse (${(e as Error).message})`;
  }
  if (!certificate.checkPrivateKey(key)) return `${keyFile} is not the key of ${certFile}`;
  return { pem: { certPem, keyPem }, certificate, key };
}

const day = (date: Date): string => date.toISOString().slice(0, 10);

/** Why a certificate must be replaced for its validity, or undefined when it is good for long enough. */
function validityProblem(file: string, pem: string, now: Date): string | undefined {
  const { notBefore, notAfter } = readCertificate(pem);
  if (notBefore.getTime() > now.getTime()) return `${file} is not valid before ${notBefore.toISOString()}`;
  if (notAfter.getTime() - now.getTime() <= RENEW_WITHIN_DAYS * DAY_MS) return `${file} expires ${day(notAfter)}, within ${RENEW_WITHIN_DAYS} days`;
  return undefined;
}

/** A check of a file that node:crypto parsed but lib/x509's reader may not (made elsewhere): such a file is replaced, not fatal. */
function unreadable(file: string, check: () => string | undefined): string | undefined {
  try {
    return check();
  } catch (e) {
    return `${file} cannot be read (${(e as Error).message})`;
  }
}

function caProblem(dir: string, now: Date): LoadedPair | string {
  const loaded = loadPair(dir, TLS_FILES.caCert, TLS_FILES.caKey);
  if (typeof loaded === 'string') return loaded;
  if (!loaded.certificate.ca) return `${TLS_FILES.caCert} is not a CA certificate`;
  return unreadable(TLS_FILES.caCert, () => validityProblem(TLS_FILES.caCert, loaded.pem.certPem, now)) ?? loaded;
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  const left = new Set(a);
  const right = new Set(b);
  return left.size === right.size && [...left].every((x) => right.has(x));
}

/** Why the server pair must be re-issued under `ca` for `hosts`, or undefined when it can stay. */
function serverProblem(dir: string, ca: LoadedPair, hosts: readonly string[], now: Date): string | undefined {
  const loaded = loadPair(dir, TLS_FILES.serverCert, TLS_FILES.serverKey);
  if (typeof loaded === 'string') return loaded;
  if (!loaded.certificate.checkIssued(ca.certificate) || !loaded.certificate.verify(ca.certificate.publicKey)) {
    return `${TLS_FILES.serverCert} is not signed by the CA in ${TLS_FILES.caCert}`;
  }
  if (!loaded.pem.certPem.endsWith(ca.pem.certPem)) return `${TLS_FILES.serverCert} does not end with the CA certificate`;
  return unreadable(TLS_FILES.serverCert, () => {
    const validity = validityProblem(TLS_FILES.serverCert, loaded.pem.certPem, now);
    if (validity) return validity;
    const present = readCertificate(loaded.pem.certPem).hosts;
    if (sameSet(present, hosts)) return undefined;
    const added = hosts.filter((h) => !present.includes(h));
    const dropped = present.filter((h) => !hosts.includes(h));
    return `its hosts changed: ${[...added.map((h) => `+${h}`), ...dropped.map((h) => `-${h}`)].join(' ')}`;
  });
}

/** Issues a new server pair and writes it: the key first, so that a crash leaves a pair that fails the key check, not a trusted mismatch. */
function issueServer(dir: string, ca: LoadedPair, hosts: readonly string[], notBefore: Date): KeyAndCertificate {
  const server = issueServerCertificate(ca.pem, { commonName: SERVER_COMMON_NAME, hosts, notBefore, validityDays: SERVER_VALIDITY_DAYS });
  writeAtomically(join(dir, TLS_FILES.serverKey), server.keyPem, SECRET_MODE);
  writeAtomically(join(dir, TLS_FILES.serverCert), server.certPem + ca.pem.certPem, PUBLIC_MODE);
  return server;
}

function createCa(dir: string, notBefore: Date): LoadedPair {
  // The date tells two generations of the lab's CA apart in a client's trust store.
  const pem = createCertificateAuthority({ commonName: `streaming-analytics-lab CA ${notBefore.toISOString().slice(0, 19)}Z`, notBefore, validityDays: CA_VALIDITY_DAYS });
  writeAtomically(join(dir, TLS_FILES.caKey), pem.keyPem, SECRET_MODE);
  writeAtomically(join(dir, TLS_FILES.caCert), pem.certPem, PUBLIC_MODE);
  return { pem, certificate: new X509Certificate(pem.certPem), key: createPrivateKey(pem.keyPem) };
}

/** The directory, created 0700 (with its parents) when missing. */
function ensureDirectory(dir: string): void {
  const created = mkdirSync(dir, { recursive: true, mode: DIR_MODE });
  if (created !== undefined) chmodSync(dir, DIR_MODE);
}

/** Kept files get their modes back if someone widened them: a key readable by others is a leaked key. */
function restoreModes(dir: string): void {
  chmodSync(join(dir, TLS_FILES.caKey), SECRET_MODE);
  chmodSync(join(dir, TLS_FILES.serverKey), SECRET_MODE);
}

/**
 * Makes `dir` hold a CA valid for more than RENEW_WITHIN_DAYS and a server certificate signed by
 * it for exactly `hosts`, valid as long: what is already there and good stays byte for byte.
 */
export function ensureTlsMaterial(dir: string, hosts: readonly string[], now: Date = new Date()): EnsureOutcome {
  if (hosts.length === 0) throw new Error('ensureTlsMaterial: no hosts given, and a server certificate must name at least one');
  const wanted = [...new Set(hosts.map(canonicalHost))];
  ensureDirectory(dir);
  const notBefore = new Date(now.getTime() - BACKDATE_MS);

  const existingCa = caProblem(dir, now);
  const ca = typeof existingCa === 'string' ? createCa(dir, notBefore) : existingCa;
  const caAction: EnsureOutcome['ca'] = typeof existingCa === 'string' ? { action: 'created', reason: existingCa } : { action: 'kept' };

  const problem = caAction.action === 'created' ? 'the CA is new' : serverProblem(dir, ca, wanted, now);
  const serverPem = problem === undefined ? readFileSync(join(dir, TLS_FILES.serverCert), 'utf8') : issueServer(dir, ca, wanted, notBefore).certPem;
  restoreModes(dir);
  return {
    dir,
    ca: caAction,
    server: problem === undefined ? { action: 'kept' } : { action: 'issued', reason: problem },
    hosts: wanted,
    caNotAfter: readCertificate(ca.pem.certPem).notAfter,
    serverNotAfter: readCertificate(serverPem).notAfter,
  };
}

/** The one line the CLI prints for an ensure. */
export function describeEnsure(outcome: EnsureOutcome): string {
  const ca =
    outcome.ca.action === 'kept'
      ? `kept CA (valid until ${day(outcome.caNotAfter)})`
      : `created CA valid until ${day(outcome.caNotAfter)} (${outcome.ca.reason})`;
  const server =
    outcome.server.action === 'kept'
      ? `kept server certificate (valid until ${day(outcome.serverNotAfter)}) for hosts ${outcome.hosts.join(', ')}`
      : `issued server certificate valid until ${day(outcome.serverNotAfter)} for hosts ${outcome.hosts.join(', ')} (${outcome.server.reason})`;
  return `${outcome.dir}: ${ca}; ${server}`;
}

/** Deletes the four files and then the directory if nothing else is in it; what is absent is fine. Returns the files it deleted. */
export function removeTlsMaterial(dir: string): string[] {
  const removed = Object.values(TLS_FILES).filter((name) => {
    try {
      unlinkSync(join(dir, name));
      return true;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw e;
    }
  });
  try {
    rmdirSync(dir);
  } catch (e) {
    // Someone else's files in it (ENOTEMPTY), or no directory at all: both leave nothing of ours.
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT' && code !== 'ENOTEMPTY' && code !== 'EEXIST') throw e;
  }
  return removed;
}
