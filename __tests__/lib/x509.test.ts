/**
 * lib/x509.ts judged by two independent X.509 implementations: node:crypto's X509Certificate
 * (OpenSSL inside Node) and the openssl command line (which CI has too, so it is called, not probed).
 */
import { execFileSync } from 'node:child_process';
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCertificateAuthority, issueServerCertificate, pemCertificates, pemOneLine, readCertificate, type KeyAndCertificate } from '../../lib/x509';

const NOW = new Date('2026-03-01T10:20:30.456Z');
const DAY_MS = 24 * 60 * 60 * 1000;
const HOSTS = ['lab.example.org', 'localhost', '192.0.2.10', '127.0.0.1', '::1', '2001:db8::7'];

const ca = createCertificateAuthority({ commonName: 'test lab CA', notBefore: NOW, validityDays: 3650 });
const server = issueServerCertificate(ca, { commonName: 'lab-server', hosts: HOSTS, notBefore: NOW, validityDays: 825 });
const caCert = new X509Certificate(ca.certPem);
const serverCert = new X509Certificate(server.certPem);

const dir = mkdtempSync(join(tmpdir(), 'x509-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function openssl(args: readonly string[], files: Record<string, string> = {}): string {
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return execFileSync('openssl', args, { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** openssl's text of one extension, without its heading. */
const extensionText = (pem: string, ext: string): string => openssl(['x509', '-in', 'cert.pem', '-noout', '-ext', ext], { 'cert.pem': pem });

function toPem(der: Buffer): string {
  return `-----BEGIN CERTIFICATE-----\n${der.toString('base64').match(/.{1,64}/g)!.join('\n')}\n-----END CERTIFICATE-----\n`;
}

describe('createCertificateAuthority', () => {
  it('is a self-signed CA that node:crypto parses and verifies', () => {
    expect(caCert.ca).toBe(true);
    expect(caCert.subject).toBe('CN=test lab CA');
    expect(caCert.issuer).toBe('CN=test lab CA');
    expect(caCert.checkIssued(caCert)).toBe(true);
    expect(caCert.verify(caCert.publicKey)).toBe(true);
  });

  it('marks basicConstraints CA:TRUE and keyUsage keyCertSign, cRLSign critical, and carries a key identifier', () => {
    expect(extensionText(ca.certPem, 'basicConstraints')).toMatch(/Basic Constraints: critical\n\s+CA:TRUE\n/);
    expect(extensionText(ca.certPem, 'keyUsage')).toMatch(/Key Usage: critical\n\s+Certificate Sign, CRL Sign\n/);
    expect(extensionText(ca.certPem, 'subjectKeyIdentifier')).toMatch(/Subject Key Identifier: \n\s+([0-9A-F]{2}:){19}[0-9A-F]{2}\n/);
  });

  it('is valid from notBefore (whole seconds) for validityDays', () => {
    expect(new Date(caCert.validFrom).toISOString()).toBe('2026-03-01T10:20:30.000Z');
    expect(new Date(caCert.validTo).getTime()).toBe(new Date('2026-03-01T10:20:30Z').getTime() + 3650 * DAY_MS);
  });

  it('writes GeneralizedTime for dates from 2050, which both parsers read', () => {
    const late = createCertificateAuthority({ commonName: 'late CA', notBefore: new Date('2045-06-01T00:00:00Z'), validityDays: 3650 });
    expect(new Date(new X509Certificate(late.certPem).validTo).toISOString()).toBe('2055-05-30T00:00:00.000Z');
    expect(openssl(['x509', '-in', 'late.pem', '-noout', '-enddate'], { 'late.pem': late.certPem })).toBe('notAfter=May 30 00:00:00 2055 GMT\n');
    expect(readCertificate(late.certPem).notAfter.toISOString()).toBe('2055-05-30T00:00:00.000Z');
  });

  it('keeps its key as unencrypted PKCS#8 PEM of a P-256 key that belongs to the certificate', () => {
    expect(ca.keyPem).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    const key = createPrivateKey(ca.keyPem);
    expect(key.asymmetricKeyType).toBe('ec');
    expect(key.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
    expect(caCert.checkPrivateKey(key)).toBe(true);
  });

  it('refuses impossible options, naming them', () => {
    expect(() => createCertificateAuthority({ commonName: '', notBefore: NOW, validityDays: 1 })).toThrow(/commonName must have 1 to 64 characters/);
    expect(() => createCertificateAuthority({ commonName: 'x', notBefore: new Date(Number.NaN), validityDays: 1 })).toThrow(/notBefore is not a valid date/);
    expect(() => createCertificateAuthority({ commonName: 'x', notBefore: NOW, validityDays: 0.5 })).toThrow(/validityDays must be a whole number/);
  });
});

describe('issueServerCertificate', () => {
  it('is issued by the CA and verifies with its public key', () => {
    expect(serverCert.ca).toBe(false);
    expect(serverCert.issuer).toBe(caCert.subject);
    expect(serverCert.checkIssued(caCert)).toBe(true);
    expect(serverCert.verify(caCert.publicKey)).toBe(true);
    expect(serverCert.checkPrivateKey(createPrivateKey(server.keyPem))).toBe(true);
  });

  it('openssl verify accepts it against the CA', () => {
    expect(openssl(['verify', '-CAfile', 'ca.pem', 'server.pem'], { 'ca.pem': ca.certPem, 'server.pem': server.certPem + ca.certPem })).toBe('server.pem: OK\n');
  });

  it('names every host in subjectAltName, DNS names as DNS and addresses as IP, and no other', () => {
    for (const name of ['lab.example.org', 'localhost']) expect(serverCert.checkHost(name, { subject: 'never' })).toBe(name);
    for (const ip of ['192.0.2.10', '127.0.0.1', '::1', '2001:db8::7']) expect(serverCert.checkIP(ip)).toBe(ip);
    expect(serverCert.subjectAltName).toBe('DNS:lab.example.org, DNS:localhost, IP Address:192.0.2.10, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1, IP Address:2001:DB8:0:0:0:0:0:7');
    expect(serverCert.checkHost('other.example.org')).toBeUndefined();
    expect(serverCert.checkIP('192.0.2.11')).toBeUndefined();
    expect(readCertificate(server.certPem).hosts).toEqual(HOSTS);
  });

  it('is for serving: CA:FALSE, digitalSignature and keyAgreement, serverAuth, and key identifiers tying it to the CA', () => {
    expect(extensionText(server.certPem, 'basicConstraints')).toMatch(/Basic Constraints: critical\n\s+CA:FALSE\n/);
    expect(extensionText(server.certPem, 'keyUsage')).toMatch(/Key Usage: critical\n\s+Digital Signature, Key Agreement\n/);
    expect(serverCert.keyUsage).toEqual(['1.3.6.1.5.5.7.3.1']);
    const caKeyId = /Identifier: \n\s+(\S+)\n/.exec(extensionText(ca.certPem, 'subjectKeyIdentifier'))?.[1];
    expect(caKeyId).toBeDefined();
    expect(extensionText(server.certPem, 'authorityKeyIdentifier')).toContain(caKeyId);
    expect(extensionText(server.certPem, 'subjectKeyIdentifier')).not.toContain(caKeyId);
  });

  it('has the validity asked for', () => {
    expect(new Date(serverCert.validFrom).toISOString()).toBe('2026-03-01T10:20:30.000Z');
    expect(new Date(serverCert.validTo).getTime() - new Date(serverCert.validFrom).getTime()).toBe(825 * DAY_MS);
    expect(readCertificate(server.certPem)).toMatchObject({ notBefore: new Date('2026-03-01T10:20:30Z'), notAfter: new Date(new Date('2026-03-01T10:20:30Z').getTime() + 825 * DAY_MS) });
  });

  it('gives every certificate its own positive serial of 16 octets', () => {
    const again = issueServerCertificate(ca, { commonName: 'lab-server', hosts: ['localhost'], notBefore: NOW, validityDays: 1 });
    for (const cert of [serverCert, caCert, new X509Certificate(again.certPem)]) expect(cert.serialNumber).toMatch(/^[4-7][0-9A-F]{31}$/);
    expect(new X509Certificate(again.certPem).serialNumber).not.toBe(serverCert.serialNumber);
  });

  it('fails verification once a byte of the signed part or of the signature changes', () => {
    const der = Buffer.from(serverCert.raw);
    const cn = der.indexOf(Buffer.from('lab-server'));
    expect(cn).toBeGreaterThan(0);
    const renamed = Buffer.from(der);
    renamed[cn] = 'L'.charCodeAt(0);
    const tamperedName = new X509Certificate(toPem(renamed));
    expect(tamperedName.subject).toBe('CN=Lab-server');
    expect(tamperedName.verify(caCert.publicKey)).toBe(false);

    const resigned = Buffer.from(der);
    resigned[resigned.length - 5] ^= 0x01;
    expect(new X509Certificate(toPem(resigned)).verify(caCert.publicKey)).toBe(false);
    expect(new X509Certificate(toPem(der)).verify(caCert.publicKey)).toBe(true);
  });

  it('is not verified by another CA', () => {
    const other = createCertificateAuthority({ commonName: 'test lab CA', notBefore: NOW, validityDays: 10 });
    expect(serverCert.verify(new X509Certificate(other.certPem).publicKey)).toBe(false);
  });

  it('refuses a signer that is no CA, a key that is not the CA\'s, and hosts a certificate cannot name', () => {
    const options = { commonName: 'x', hosts: ['localhost'], notBefore: NOW, validityDays: 1 };
    expect(() => issueServerCertificate(server, options)).toThrow(/"CN=lab-server" is no CA/);
    const mismatched: KeyAndCertificate = { certPem: ca.certPem, keyPem: server.keyPem };
    expect(() => issueServerCertificate(mismatched, options)).toThrow(/CA key does not belong to the CA certificate "CN=test lab CA"/);
    expect(() => issueServerCertificate(ca, { ...options, hosts: [] })).toThrow(/hosts is empty/);
    expect(() => issueServerCertificate(ca, { ...options, hosts: ['lab_host'] })).toThrow(/'lab_host' is neither an IP address nor a DNS name/);
    expect(() => issueServerCertificate({ certPem: 'nonsense', keyPem: ca.keyPem }, options)).toThrow(/CA certificate or key does not parse/);
  });
});

describe('pemOneLine and pemCertificates', () => {
  it('puts one PEM block on one line, its line breaks as single spaces', () => {
    const line = pemOneLine(server.keyPem);
    expect(line).not.toMatch(/[\r\n]/);
    expect(line).toBe(server.keyPem.trim().split('\n').join(' '));
    expect(line).toMatch(/^-----BEGIN PRIVATE KEY-----( [A-Za-z0-9+/=]+)+ -----END PRIVATE KEY-----$/);
    expect(pemOneLine(ca.certPem.replace(/\n/g, '\r\n'))).toBe(pemOneLine(ca.certPem));
  });

  it('refuses several blocks, which Kafka would read as the last alone', () => {
    expect(() => pemOneLine(server.certPem + ca.certPem)).toThrow(/exactly one PEM block, got 2/);
    expect(() => pemOneLine('no pem here')).toThrow(/exactly one PEM block, got 0/);
  });

  it('splits a chain into its certificates, leaf first, each as it was written', () => {
    const [leaf, root, ...rest] = pemCertificates(server.certPem + ca.certPem);
    expect(rest).toEqual([]);
    expect(leaf).toBe(server.certPem);
    expect(root).toBe(ca.certPem);
  });
});
