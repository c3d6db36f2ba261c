/**
 * The names and addresses the lab's server certificate must hold. A person on the network connects
 * by this machine's name or one of its addresses and verifies exactly that against the certificate,
 * so the set is what was asked for plus every way this machine can be reached.
 */
import { isIP } from 'node:net';
import type { NetworkInterfaceInfo } from 'node:os';
import { canonicalHost } from '../../lib/x509';

/** Always in the certificate: the loopback names the lab's own checks and a local user connect by. */
export const ALWAYS_HOSTS: readonly string[] = ['localhost', '127.0.0.1', '::1'];

/**
 * `LAB_TLS_HOSTS` as canonical hosts: comma-separated, blanks ignored. Throws naming each entry
 * that is neither a DNS name nor an IP address.
 */
export function parseHostList(text: string | undefined, variable: string): string[] {
  const entries = (text ?? '')
    .split(',')
    .map((e) => e.trim())
    .filter((e) => e !== '');
  const problems: string[] = [];
  const hosts = entries.flatMap((entry) => {
    try {
      return [canonicalHost(entry)];
    } catch (e) {
      problems.push((e as Error).message);
      return [];
    }
  });
  if (problems.length > 0) {
    throw new Error(`${variable} has ${problems.length === 1 ? 'an entry' : 'entries'} a certificate cannot hold:\n${problems.map((p) => `  - ${p}`).join('\n')}\nfix: list DNS names and IP addresses only, comma-separated (e.g. lab.example.org,192.0.2.10)`);
  }
  return hosts;
}

/** fe80::/10 and 169.254.0.0/16 mean something only on one link: no client verifies a name against them. */
function isLinkLocal(address: string): boolean {
  return isIP(address) === 6 ? /^fe[89ab]/i.test(address) : address.startsWith('169.254.');
}

/** What this machine is reached by, and what of it a certificate cannot hold (with why). */
export interface MachineHosts {
  readonly hosts: readonly string[];
  readonly skipped: readonly string[];
}

/**
 * The host name and the addresses of the non-internal interfaces. Link-local addresses are left
 * out: besides being useless to verify against, every container start adds a veth interface with
 * one, and the certificate would be re-issued on every run.
 */
export function machineHosts(hostname: string, interfaces: NodeJS.Dict<NetworkInterfaceInfo[]>): MachineHosts {
  const hosts: string[] = [];
  const skipped: string[] = [];
  try {
    if (hostname !== '') hosts.push(canonicalHost(hostname));
  } catch {
    skipped.push(`host name '${hostname}' (not a DNS name)`);
  }
  for (const info of Object.values(interfaces).flatMap((list) => list ?? [])) {
    if (info.internal || isLinkLocal(info.address)) continue;
    hosts.push(canonicalHost(info.address));
  }
  return { hosts, skipped };
}

/** The certificate's hosts: the requested ones first, then the loopback names, then the machine's; no duplicates. */
export function serverHosts(requested: readonly string[], machine: readonly string[]): string[] {
  return [...new Set([...requested, ...ALWAYS_HOSTS, ...machine].map(canonicalHost))];
}
