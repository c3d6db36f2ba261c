/**
 * A private certificate authority and server certificates, made with node:crypto alone (no
 * openssl, no Terraform TLS provider): EC P-256 keys, ECDSA with SHA-256, X.509 v3 as RFC 5280
 * profiles it. Pure: the caller passes the clock (notBefore), and nothing touches the disk.
 */
import { createHash, createPrivateKey, generateKeyPairSync, randomBytes, sign, X509Certificate, type KeyObject } from 'node:crypto';
import { isIP } from 'node:net';
import {
  bitString,
  boolean,
  explicit,
  implicitPrimitive,
  namedBits,
  objectIdentifier,
  octetString,
  readChildren,
  readElement,
  readObjectIdentifier,
  readTime,
  sequence,
  set,
  TAG,
  unsignedInteger,
  utf8String,
  x509Time,
  type DerElement,
} from './der';
import { canonicalIpAddress, formatIpAddress, ipAddressBytes } from './ip-address-bytes';

/** A certificate and its private key, both PEM; the key is unencrypted PKCS#8 ("BEGIN PRIVATE KEY"). */
export interface KeyAndCertificate {
  readonly certPem: string;
  readonly keyPem: string;
}

export interface CertificateAuthorityOptions {
  readonly commonName: string;
  /** The start of validity; notAfter is validityDays later. Fractions of a second are dropped. */
  readonly notBefore: Date;
  readonly validityDays: number;
}

export interface ServerCertificateOptions extends CertificateAuthorityOptions {
  /** DNS names and IP addresses (IPv4 or IPv6) the certificate is valid for: its subjectAltName. */
  readonly hosts: readonly string[];
}

const OID = {
  commonName: '2.5.4.3',
  ecPublicKey: '1.2.840.10045.2.1',
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  subjectKeyIdentifier: '2.5.29.14',
  keyUsage: '2.5.29.15',
  subjectAltName: '2.5.29.17',
  basicConstraints: '2.5.29.19',
  authorityKeyIdentifier: '2.5.29.35',
  extKeyUsage: '2.5.29.37',
  serverAuth: '1.3.6.1.5.5.7.3.1',
} as const;

/** keyUsage bit numbers (RFC 5280 §4.2.1.3). */
const KEY_USAGE = { digitalSignature: 0, keyAgreement: 4, keyCertSign: 5, cRLSign: 6 } as const;

const DAY_MS = 24 * 60 * 60 * 1000;

/** The ECDSA-with-SHA256 AlgorithmIdentifier: RFC 5758 says its parameters are absent. */
const SIGNATURE_ALGORITHM = sequence(objectIdentifier(OID.ecdsaWithSha256));

const name = (commonName: string): Buffer => sequence(set(sequence(objectIdentifier(OID.commonName), utf8String(commonName))));

function extension(oid: string, critical: boolean, value: Buffer): Buffer {
  // DER leaves out a BOOLEAN that equals its DEFAULT, and `critical` defaults to FALSE.
  return sequence(objectIdentifier(oid), ...(critical ? [boolean(true)] : []), octetString(value));
}

/** RFC 5280 §4.1.2.2: positive, at most 20 octets; 126 random bits with the top octet in 0x40..0x7f. */
function randomSerial(): Buffer {
  const serial = randomBytes(16);
  serial[0] = (serial[0] & 0x3f) | 0x40;
  return serial;
}

/** RFC 5280 §4.2.1.2 method 1: SHA-1 of the subjectPublicKey BIT STRING's value. */
function keyIdentifier(spkiDer: Buffer): Buffer {
  const [, subjectPublicKey] = readChildren(readElement(spkiDer));
  if (subjectPublicKey?.tag !== TAG.bitString) throw new Error('the public key is not a SubjectPublicKeyInfo with a BIT STRING');
  return createHash('sha1').update(subjectPublicKey.contents.subarray(1)).digest();
}

function toPem(label: string, der: Buffer): string {
  const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

/** The DER of every `label` block in `pem`, in order. */
function pemBlocks(pem: string, label: string): Buffer[] {
  const pattern = new RegExp(`-----BEGIN ${label}-----([A-Za-z0-9+/=\\s]*)-----END ${label}-----`, 'g');
  return [...pem.matchAll(pattern)].map((m) => Buffer.from(m[1].replace(/\s+/g, ''), 'base64'));
}

function newKeyPair(): { privateKey: KeyObject; spkiDer: Buffer } {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return { privateKey, spkiDer: publicKey.export({ type: 'spki', format: 'der' }) };
}

const keyPem = (privateKey: KeyObject): string => privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();

function validity(options: CertificateAuthorityOptions, what: string): { notBefore: Date; notAfter: Date } {
  if (!(options.notBefore instanceof Date) || Number.isNaN(options.notBefore.getTime())) throw new Error(`${what}: notBefore is not a valid date`);
  if (!Number.isInteger(options.validityDays) || options.validityDays < 1) throw new Error(`${what}: validityDays must be a whole number of days, at least 1 (got ${options.validityDays})`);
  const notBefore = new Date(Math.floor(options.notBefore.getTime() / 1000) * 1000);
  return { notBefore, notAfter: new Date(notBefore.getTime() + options.validityDays * DAY_MS) };
}

function checkCommonName(commonName: string, what: string): void {
  // RFC 5280's upper bound for a commonName (ub-common-name).
  if (commonName.length < 1 || commonName.length > 64) throw new Error(`${what}: commonName must have 1 to 64 characters (got ${commonName.length})`);
}

/** Signs the TBSCertificate and wraps it as a Certificate. */
function signCertificate(tbs: Buffer, issuerKey: KeyObject): Buffer {
  const signature = sign('sha256', tbs, { key: issuerKey, dsaEncoding: 'der' });
  return sequence(tbs, SIGNATURE_ALGORITHM, bitString(signature));
}

function tbsCertificate(fields: { issuer: Buffer; subject: Buffer; notBefore: Date; notAfter: Date; spkiDer: Buffer; extensions: readonly Buffer[] }): Buffer {
  return sequence(
    explicit(0, unsignedInteger(2)), // v3
    unsignedInteger(randomSerial()),
    SIGNATURE_ALGORITHM,
    fields.issuer,
    sequence(x509Time(fields.notBefore), x509Time(fields.notAfter)),
    fields.subject,
    fields.spkiDer,
    explicit(3, sequence(...fields.extensions)),
  );
}

/** A self-signed CA: basicConstraints CA:TRUE and keyUsage keyCertSign+cRLSign (both critical), and its key identifier. */
export function createCertificateAuthority(options: CertificateAuthorityOptions): KeyAndCertificate {
  const what = `certificate authority "${options.commonName}"`;
  checkCommonName(options.commonName, what);
  const { notBefore, notAfter } = validity(options, what);
  const { privateKey, spkiDer } = newKeyPair();
  const subject = name(options.commonName);
  const tbs = tbsCertificate({
    issuer: subject,
    subject,
    notBefore,
    notAfter,
    spkiDer,
    extensions: [
      extension(OID.basicConstraints, true, sequence(boolean(true))),
      extension(OID.keyUsage, true, namedBits([KEY_USAGE.keyCertSign, KEY_USAGE.cRLSign])),
      extension(OID.subjectKeyIdentifier, false, octetString(keyIdentifier(spkiDer))),
    ],
  });
  return { certPem: toPem('CERTIFICATE', signCertificate(tbs, privateKey)), keyPem: keyPem(privateKey) };
}

/** Letters, digits and hyphens per label (no leading or trailing hyphen), at most 253 characters. */
const DNS_NAME = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/;

/**
 * One spelling per host, as subjectAltName entries compare: DNS names in lower case, IP addresses
 * in canonical form. Throws for a host that is neither a DNS name nor an IP address.
 */
export function canonicalHost(host: string): string {
  if (isIP(host.replace(/%.*$/, ''))) return canonicalIpAddress(host);
  const lower = host.toLowerCase().replace(/\.$/, '');
  if (!DNS_NAME.test(lower)) {
    throw new Error(`'${host}' is neither an IP address nor a DNS name (letters, digits and hyphens in dot-separated labels): a certificate cannot name it`);
  }
  return lower;
}

/** subjectAltName entries: dNSName [2] IA5String, iPAddress [7] OCTET STRING of 4 or 16 octets. */
function generalName(host: string): Buffer {
  const canonical = canonicalHost(host);
  return isIP(canonical) ? implicitPrimitive(7, ipAddressBytes(canonical)) : implicitPrimitive(2, Buffer.from(canonical, 'ascii'));
}

/** What issueServerCertificate and readCertificate need of a certificate's TBSCertificate. */
interface ParsedCertificate {
  readonly subject: DerElement;
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly spkiDer: Buffer;
  /** Extension values (the contents of extnValue) by OID. */
  readonly extensions: ReadonlyMap<string, Buffer>;
}

function parseCertificate(der: Buffer): ParsedCertificate {
  const [tbs] = readChildren(readElement(der));
  if (tbs?.tag !== TAG.sequence) throw new Error('the certificate has no TBSCertificate');
  const fields = readChildren(tbs);
  // version is [0] EXPLICIT and absent in v1 certificates; the positions below count from the serial.
  const at = fields[0]?.tag === 0xa0 ? 1 : 0;
  const [, , , validityField, subject, spki] = fields.slice(at);
  if (!validityField || !subject || !spki) throw new Error('the certificate\'s TBSCertificate has too few fields');
  const [notBefore, notAfter] = readChildren(validityField).map(readTime);
  const extensions = new Map<string, Buffer>();
  const extensionsField = fields.find((f) => f.tag === 0xa3);
  if (extensionsField) {
    for (const ext of readChildren(readChildren(extensionsField)[0])) {
      const parts = readChildren(ext);
      extensions.set(readObjectIdentifier(parts[0]), parts[parts.length - 1].contents);
    }
  }
  return { subject, notBefore, notAfter, spkiDer: spki.encoded, extensions };
}

/** What the lab decides from: the validity and the names of the first certificate of a PEM. */
export interface CertificateFacts {
  readonly notBefore: Date;
  readonly notAfter: Date;
  /** The subjectAltName entries (DNS names and IP addresses) in canonicalHost form, in certificate order. */
  readonly hosts: readonly string[];
}

/** Reads the first certificate of `certPem` (a chain's leaf); throws when there is none or it is not DER this reader understands. */
export function readCertificate(certPem: string): CertificateFacts {
  const [der] = pemBlocks(certPem, 'CERTIFICATE');
  if (!der) throw new Error('no "BEGIN CERTIFICATE" block found');
  const parsed = parseCertificate(der);
  const san = parsed.extensions.get(OID.subjectAltName);
  const hosts = san
    ? readChildren(readElement(san)).flatMap((entry) => {
        if (entry.tag === 0x82) return [entry.contents.toString('ascii').toLowerCase()];
        if (entry.tag === 0x87) return [formatIpAddress(entry.contents)];
        return [];
      })
    : [];
  return { notBefore: parsed.notBefore, notAfter: parsed.notAfter, hosts };
}

/** The CA's certificate and key, checked to belong together and to be a CA, as a signer needs them. */
function signer(ca: KeyAndCertificate): { parsed: ParsedCertificate; key: KeyObject } {
  let certificate: X509Certificate;
  let key: KeyObject;
  try {
    certificate = new X509Certificate(ca.certPem);
    key = createPrivateKey(ca.keyPem);
  } catch (e) {
    throw new Error(`the CA certificate or key does not parse (${(e as Error).message}): pass the PEM createCertificateAuthority returned`);
  }
  if (!certificate.ca) throw new Error(`the certificate "${certificate.subject}" is no CA (basicConstraints CA:TRUE missing): it cannot issue certificates`);
  if (!certificate.checkPrivateKey(key)) throw new Error(`the CA key does not belong to the CA certificate "${certificate.subject}": pass the pair createCertificateAuthority returned`);
  return { parsed: parseCertificate(certificate.raw), key };
}

/**
 * A server certificate signed by `ca`, for `hosts`: basicConstraints CA:FALSE, keyUsage
 * digitalSignature+keyAgreement (critical), extendedKeyUsage serverAuth, subjectAltName, and the
 * key identifiers that tie it to the CA. Its issuer is the CA's subject, byte for byte.
 */
export function issueServerCertificate(ca: KeyAndCertificate, options: ServerCertificateOptions): KeyAndCertificate {
  const what = `server certificate "${options.commonName}"`;
  checkCommonName(options.commonName, what);
  if (options.hosts.length === 0) throw new Error(`${what}: hosts is empty, and a client verifies the name it connects to against them`);
  const names = [...new Set(options.hosts.map(canonicalHost))];
  const { notBefore, notAfter } = validity(options, what);
  const issuer = signer(ca);
  const caKeyId = issuer.parsed.extensions.get(OID.subjectKeyIdentifier);
  // The authority key identifier repeats the CA's own subjectKeyIdentifier, so that chain building
  // matches them; a CA without one gets the identifier computed from its key, as ours carry.
  const authorityKeyId = caKeyId ? readElement(caKeyId).contents : keyIdentifier(issuer.parsed.spkiDer);
  const { privateKey, spkiDer } = newKeyPair();
  const tbs = tbsCertificate({
    issuer: issuer.parsed.subject.encoded,
    subject: name(options.commonName),
    notBefore,
    notAfter,
    spkiDer,
    extensions: [
      extension(OID.basicConstraints, true, sequence()),
      extension(OID.keyUsage, true, namedBits([KEY_USAGE.digitalSignature, KEY_USAGE.keyAgreement])),
      extension(OID.extKeyUsage, false, sequence(objectIdentifier(OID.serverAuth))),
      extension(OID.subjectAltName, false, sequence(...names.map(generalName))),
      extension(OID.subjectKeyIdentifier, false, octetString(keyIdentifier(spkiDer))),
      extension(OID.authorityKeyIdentifier, false, sequence(implicitPrimitive(0, authorityKeyId))),
    ],
  });
  return { certPem: toPem('CERTIFICATE', signCertificate(tbs, issuer.key)), keyPem: keyPem(privateKey) };
}

/** Each certificate of a PEM chain as its own PEM text, in order (a server's chain: its own certificate first). */
export function pemCertificates(pem: string): string[] {
  return pemBlocks(pem, 'CERTIFICATE').map((der) => toPem('CERTIFICATE', der));
}

/**
 * One PEM block on one line, its line breaks replaced by single spaces, for a config value that
 * cannot hold newlines (Kafka's `ssl.keystore.key`, `ssl.keystore.certificate.chain`,
 * `ssl.truststore.certificates` with type PEM). Several blocks are refused: Kafka's PEM parser
 * (DefaultSslEngineFactory.PemParser) matches `BEGIN .* CERTIFICATE` greedily within a line, so of
 * several certificates on one line it keeps only the last, and a broker given the one-line
 * server chain (server certificate, then CA) presents the CA's certificate with the server's key
 * and refuses to start ("Invalid CertificateVerify signature"). Give Kafka the server certificate
 * alone (pemCertificates(chain)[0]): its clients trust the CA directly, so that is a whole chain.
 */
export function pemOneLine(pem: string): string {
  const blocks = pem.match(/-----BEGIN [^-]+-----/g) ?? [];
  if (blocks.length !== 1) {
    throw new Error(
      `pemOneLine takes exactly one PEM block, got ${blocks.length}: Kafka reads only the last of several blocks on one line. ` +
        'Pass the server certificate alone (pemCertificates(chain)[0]), or one block per value.',
    );
  }
  return pem.trim().replace(/\r?\n/g, ' ');
}
