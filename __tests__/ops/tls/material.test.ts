/** ops/tls/material.ts and hosts.ts: what ensure writes, keeps and replaces, and what remove leaves. */
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCertificateAuthority, issueServerCertificate, readCertificate } from '../../../lib/x509';
import { machineHosts, parseHostList, serverHosts } from '../../../ops/tls/hosts';
import { describeEnsure, ensureTlsMaterial, removeTlsMaterial, TLS_FILES } from '../../../ops/tls/material';

const NOW = new Date('2026-06-01T12:00:00Z');
const DAY_MS = 24 * 60 * 60 * 1000;
const HOSTS = ['localhost', '127.0.0.1', '::1', 'lab.example.org'];
const FILES = Object.values(TLS_FILES);

let root: string;
let dir: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'tls-material-'));
  dir = join(root, 'nested', 'tls');
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

const mode = (path: string): number => statSync(path).mode & 0o777;
const snapshot = (): Record<string, string> => Object.fromEntries(FILES.map((f) => [f, readFileSync(join(dir, f), 'utf8')]));
const later = (days: number): Date => new Date(NOW.getTime() + days * DAY_MS);
const readdir = (): string[] => readdirSync(dir).sort();

describe('ensureTlsMaterial', () => {
  it('first run creates the directory 0700 and the four files with their modes; the chain is server then CA', () => {
    const outcome = ensureTlsMaterial(dir, HOSTS, NOW);
    expect(outcome.ca).toEqual({ action: 'created', reason: 'ca.pem is missing' });
    expect(outcome.server).toEqual({ action: 'issued', reason: 'the CA is new' });
    expect(mode(dir)).toBe(0o700);
    expect(Object.fromEntries(FILES.map((f) => [f, mode(join(dir, f))]))).toEqual({ 'ca.pem': 0o644, 'ca.key': 0o600, 'server.pem': 0o644, 'server.key': 0o600 });
    const files = snapshot();
    expect(files['ca.key']).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    expect(files['server.key']).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    expect(files['server.pem'].endsWith(files['ca.pem'])).toBe(true);
    const ca = new X509Certificate(files['ca.pem']);
    const server = new X509Certificate(files['server.pem']);
    expect(server.checkIssued(ca) && server.verify(ca.publicKey)).toBe(true);
    expect(readCertificate(files['server.pem']).hosts).toEqual(HOSTS);
    // notBefore lies an hour back for clients whose clocks run behind; CA 3650 days, server 825.
    expect(new Date(ca.validFrom).getTime()).toBe(NOW.getTime() - 3600_000);
    expect(new Date(ca.validTo).getTime() - new Date(ca.validFrom).getTime()).toBe(3650 * DAY_MS);
    expect(new Date(server.validTo).getTime() - new Date(server.validFrom).getTime()).toBe(825 * DAY_MS);
    expect(readdir()).toEqual([...FILES].sort());
  });

  it('openssl verifies server.pem against ca.pem', () => {
    ensureTlsMaterial(dir, HOSTS, NOW);
    expect(execFileSync('openssl', ['verify', '-CAfile', 'ca.pem', 'server.pem'], { cwd: dir, encoding: 'utf8' })).toBe('server.pem: OK\n');
  });

  it('a second run changes nothing, byte for byte, and says it kept both', () => {
    ensureTlsMaterial(dir, HOSTS, NOW);
    const before = snapshot();
    const outcome = ensureTlsMaterial(dir, [...HOSTS].reverse(), later(100));
    expect(outcome.ca).toEqual({ action: 'kept' });
    expect(outcome.server).toEqual({ action: 'kept' });
    expect(snapshot()).toEqual(before);
    expect(describeEnsure(outcome)).toBe(`${dir}: kept CA (valid until 2036-05-29); kept server certificate (valid until 2028-09-03) for hosts lab.example.org, ::1, 127.0.0.1, localhost`);
  });

  it('other hosts re-issue server.pem and server.key and keep the CA bytes', () => {
    ensureTlsMaterial(dir, HOSTS, NOW);
    const before = snapshot();
    const outcome = ensureTlsMaterial(dir, [...HOSTS.filter((h) => h !== 'lab.example.org'), '192.0.2.7'], NOW);
    expect(outcome.server).toEqual({ action: 'issued', reason: 'its hosts changed: +192.0.2.7 -lab.example.org' });
    const after = snapshot();
    expect(after['ca.pem']).toBe(before['ca.pem']);
    expect(after['ca.key']).toBe(before['ca.key']);
    expect(after['server.pem']).not.toBe(before['server.pem']);
    expect(after['server.key']).not.toBe(before['server.key']);
    expect(readCertificate(after['server.pem']).hosts).toEqual(['localhost', '127.0.0.1', '::1', '192.0.2.7']);
    expect(describeEnsure(outcome)).toContain('issued server certificate valid until 2028-09-03 for hosts localhost, 127.0.0.1, ::1, 192.0.2.7 (its hosts changed: +192.0.2.7 -lab.example.org)');
  });

  it('compares hosts by meaning: another spelling of the same names and addresses keeps the certificate', () => {
    ensureTlsMaterial(dir, HOSTS, NOW);
    expect(ensureTlsMaterial(dir, ['LOCALHOST', '127.0.0.1', '0:0:0:0:0:0:0:1', 'lab.example.org.'], NOW).server).toEqual({ action: 'kept' });
  });

  it('re-issues the server certificate within 30 days of its expiry, keeping the CA', () => {
    ensureTlsMaterial(dir, HOSTS, NOW);
    const before = snapshot();
    expect(ensureTlsMaterial(dir, HOSTS, later(825 - 32)).server).toEqual({ action: 'kept' });
    const outcome = ensureTlsMaterial(dir, HOSTS, later(825 - 30));
    expect(outcome.server).toEqual({ action: 'issued', reason: 'server.pem expires 2028-09-03, within 30 days' });
    expect(outcome.ca).toEqual({ action: 'kept' });
    expect(snapshot()['ca.pem']).toBe(before['ca.pem']);
  });

  it('creates a new CA within 30 days of the old one\'s expiry, and a server certificate under it', () => {
    ensureTlsMaterial(dir, HOSTS, NOW);
    const before = snapshot();
    const outcome = ensureTlsMaterial(dir, HOSTS, later(3650 - 20));
    expect(outcome.ca).toEqual({ action: 'created', reason: 'ca.pem expires 2036-05-29, within 30 days' });
    const after = snapshot();
    expect(after['ca.pem']).not.toBe(before['ca.pem']);
    expect(new X509Certificate(after['server.pem']).verify(new X509Certificate(after['ca.pem']).publicKey)).toBe(true);
  });

  it('re-issues a server certificate that another CA signed', () => {
    ensureTlsMaterial(dir, HOSTS, NOW);
    const stranger = createCertificateAuthority({ commonName: 'stranger', notBefore: NOW, validityDays: 100 });
    const foreign = issueServerCertificate(stranger, { commonName: 'x', hosts: HOSTS, notBefore: NOW, validityDays: 100 });
    writeFileSync(join(dir, TLS_FILES.serverCert), foreign.certPem + readFileSync(join(dir, TLS_FILES.caCert), 'utf8'));
    writeFileSync(join(dir, TLS_FILES.serverKey), foreign.keyPem);
    expect(ensureTlsMaterial(dir, HOSTS, NOW).server).toEqual({ action: 'issued', reason: 'server.pem is not signed by the CA in ca.pem' });
  });

  it('re-issues when server.key is not the key of server.pem, or a file is missing', () => {
    ensureTlsMaterial(dir, HOSTS, NOW);
    writeFileSync(join(dir, TLS_FILES.serverKey), readFileSync(join(dir, TLS_FILES.caKey)));
    expect(ensureTlsMaterial(dir, HOSTS, NOW).server).toEqual({ action: 'issued', reason: 'server.key is not the key of server.pem' });
    rmSync(join(dir, TLS_FILES.serverCert));
    expect(ensureTlsMaterial(dir, HOSTS, NOW).server).toEqual({ action: 'issued', reason: 'server.pem is missing' });
  });

  it('replaces a CA file that does not parse', () => {
    ensureTlsMaterial(dir, HOSTS, NOW);
    writeFileSync(join(dir, TLS_FILES.caCert), 'not a certificate');
    const outcome = ensureTlsMaterial(dir, HOSTS, NOW);
    expect(outcome.ca.action).toBe('created');
    expect(outcome.ca).toMatchObject({ reason: expect.stringMatching(/^ca\.pem does not parse/) });
    expect(outcome.server.action).toBe('issued');
  });

  it('keeps a valid CA made elsewhere (openssl) and issues under it, with its own key identifier as the authority key identifier', () => {
    ensureTlsMaterial(dir, HOSTS, NOW);
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '400', '-subj', '/O=Elsewhere/CN=openssl CA',
      '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'], { cwd: dir, stdio: 'ignore' });
    const outcome = ensureTlsMaterial(dir, HOSTS, new Date());
    expect(outcome.ca).toEqual({ action: 'kept' });
    expect(outcome.server).toEqual({ action: 'issued', reason: 'server.pem is not signed by the CA in ca.pem' });
    expect(execFileSync('openssl', ['verify', '-CAfile', 'ca.pem', 'server.pem'], { cwd: dir, encoding: 'utf8' })).toBe('server.pem: OK\n');
    expect(new X509Certificate(readFileSync(join(dir, TLS_FILES.serverCert))).issuer).toBe('O=Elsewhere\nCN=openssl CA');
  });

  it('narrows widened key modes back to 0600 without touching the bytes', () => {
    ensureTlsMaterial(dir, HOSTS, NOW);
    const before = snapshot();
    chmodSync(join(dir, TLS_FILES.caKey), 0o644);
    chmodSync(join(dir, TLS_FILES.serverKey), 0o666);
    ensureTlsMaterial(dir, HOSTS, NOW);
    expect(mode(join(dir, TLS_FILES.caKey))).toBe(0o600);
    expect(mode(join(dir, TLS_FILES.serverKey))).toBe(0o600);
    expect(snapshot()).toEqual(before);
  });

  it('leaves no temp files behind', () => {
    ensureTlsMaterial(dir, HOSTS, NOW);
    ensureTlsMaterial(dir, ['localhost'], NOW);
    expect(readdir()).toEqual([...FILES].sort());
  });

  it('refuses an empty host list', () => {
    expect(() => ensureTlsMaterial(dir, [], NOW)).toThrow(/no hosts given/);
  });
});

describe('removeTlsMaterial', () => {
  it('deletes the four files and the directory', () => {
    ensureTlsMaterial(dir, HOSTS, NOW);
    expect(removeTlsMaterial(dir)).toEqual(FILES);
    expect(existsSync(dir)).toBe(false);
    expect(existsSync(join(root, 'nested'))).toBe(true);
  });

  it('is fine when nothing is there', () => {
    expect(removeTlsMaterial(dir)).toEqual([]);
  });

  it('keeps the directory and what else is in it', () => {
    ensureTlsMaterial(dir, HOSTS, NOW);
    writeFileSync(join(dir, 'notes.txt'), 'mine');
    expect(removeTlsMaterial(dir)).toEqual(FILES);
    expect(readdir()).toEqual(['notes.txt']);
  });
});

describe('the certificate\'s hosts', () => {
  it('reads LAB_TLS_HOSTS: comma-separated, blanks ignored, canonical', () => {
    expect(parseHostList(' Lab.Example.org, ,192.0.2.10,2001:DB8::1 ', 'LAB_TLS_HOSTS')).toEqual(['lab.example.org', '192.0.2.10', '2001:db8::1']);
    expect(parseHostList(undefined, 'LAB_TLS_HOSTS')).toEqual([]);
  });

  it('names every entry a certificate cannot hold, and the fix', () => {
    expect(() => parseHostList('ok.example,under_score,http://x', 'LAB_TLS_HOSTS')).toThrow(
      /LAB_TLS_HOSTS has entries a certificate cannot hold:\n {2}- 'under_score' is neither.*\n {2}- 'http:\/\/x' is neither.*\nfix: list DNS names and IP addresses only/,
    );
  });

  it('takes the host name and the non-internal, non-link-local interface addresses', () => {
    const iface = (address: string, internal = false): import('node:os').NetworkInterfaceInfo =>
      (address.includes(':')
        ? { address, netmask: 'ffff:ffff:ffff:ffff::', family: 'IPv6', mac: '00:00:00:00:00:00', internal, cidr: null, scopeid: 0 }
        : { address, netmask: '255.255.255.0', family: 'IPv4', mac: '00:00:00:00:00:00', internal, cidr: null });
    const machine = machineHosts('Lab-Box', {
      lo: [iface('127.0.0.1', true), iface('::1', true)],
      eth0: [iface('192.0.2.5'), iface('2001:db8::5'), iface('fe80::1234')],
      veth1: [iface('fe80::abcd')],
      tun0: [iface('169.254.3.4')],
    });
    expect(machine).toEqual({ hosts: ['lab-box', '192.0.2.5', '2001:db8::5'], skipped: [] });
    expect(machineHosts('box_1', {})).toEqual({ hosts: [], skipped: ["host name 'box_1' (not a DNS name)"] });
  });

  it('puts the requested hosts first, then the loopback names, then the machine\'s, each once', () => {
    expect(serverHosts(['lab.example.org', 'localhost'], ['lab-box', '127.0.0.1', '192.0.2.5'])).toEqual(['lab.example.org', 'localhost', '127.0.0.1', '::1', 'lab-box', '192.0.2.5']);
  });
});
