import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { join } from 'node:path';

/** A certificate authority and one broker certificate signed by it, made at test time. */
export interface TlsMaterial {
  /** PEM of the CA certificate: what a client trusts (kafkajs `ssl.ca`, Java `ssl.truststore.certificates`). */
  readonly caPem: string;
  /** The same PEM as a file (Java `ssl.truststore.location` with `ssl.truststore.type=PEM`, the provider's `ca_cert`). */
  readonly caFile: string;
  /** PKCS12 keystore holding the broker's key and certificate chain. */
  readonly keystoreFile: string;
  readonly keystorePassword: string;
  /** PEM of the broker's certificate and key, for a TLS client that authenticates as the broker (mutual TLS). */
  readonly brokerCertPem: string;
  readonly brokerKeyPem: string;
  /** The principal Kafka derives from the broker certificate when it authenticates with it over mutual TLS. */
  readonly brokerPrincipal: string;
}

const BROKER_CN = 'lab-harness-broker';

function openssl(args: readonly string[], cwd: string): void {
  const result = spawnSync('openssl', args, { cwd, encoding: 'utf8', timeout: 60_000 });
  if (result.status !== 0) {
    throw new Error(`openssl ${args[0]} failed (${result.status ?? result.signal ?? result.error?.message}) in ${cwd}:\n${result.stderr}`);
  }
}

/**
 * Writes a fresh CA and a broker certificate for `hosts` (IP addresses or DNS names, the subject
 * alternative names a client's hostname verification checks) into `dir`. EC P-256 keys: generated
 * in milliseconds, and every client here (JDK 17, Node's TLS, the Go provider) accepts them.
 */
export function generateTls(dir: string, hosts: readonly string[]): TlsMaterial {
  const keystorePassword = randomBytes(12).toString('hex');
  const ecKey = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  openssl(
    ['req', '-x509', ...ecKey, '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=lab-harness-ca',
      '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'],
    dir,
  );
  openssl(['req', ...ecKey, '-keyout', 'broker.key', '-out', 'broker.csr', '-subj', `/CN=${BROKER_CN}`], dir);
  const names = hosts.map((h) => (isIP(h) ? `IP:${h}` : `DNS:${h}`)).join(',');
  // The broker certificate serves its listeners and also authenticates the broker to its own controller listener.
  writeFileSync(join(dir, 'broker.ext'), `subjectAltName=${names}\nextendedKeyUsage=serverAuth,clientAuth\nkeyUsage=critical,digitalSignature,keyAgreement\n`);
  openssl(['x509', '-req', '-in', 'broker.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'broker.pem', '-days', '2', '-extfile', 'broker.ext'], dir);
  openssl(
    ['pkcs12', '-export', '-in', 'broker.pem', '-inkey', 'broker.key', '-certfile', 'ca.pem', '-name', 'broker', '-out', 'broker.p12', '-passout', `pass:${keystorePassword}`],
    dir,
  );
  const caFile = join(dir, 'ca.pem');
  return {
    caPem: readFileSync(caFile, 'utf8'),
    caFile,
    keystoreFile: join(dir, 'broker.p12'),
    keystorePassword,
    brokerCertPem: readFileSync(join(dir, 'broker.pem'), 'utf8'),
    brokerKeyPem: readFileSync(join(dir, 'broker.key'), 'utf8'),
    brokerPrincipal: `User:CN=${BROKER_CN}`,
  };
}
