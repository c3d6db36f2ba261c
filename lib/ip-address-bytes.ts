import { isIP } from 'node:net';

/**
 * IP addresses as the octets a certificate's subjectAltName holds (4 for IPv4, 16 for IPv6), and
 * back to one canonical text (RFC 5952 for IPv6), so that two spellings of one address compare equal.
 */

/** The address's network-order octets; a zone (`%eth0`) is dropped, as certificates have none. Throws for a non-address. */
export function ipAddressBytes(address: string): Buffer {
  const bare = address.replace(/%.*$/, '');
  const version = isIP(bare);
  if (version === 4) return Buffer.from(bare.split('.').map(Number));
  if (version !== 6) throw new Error(`'${address}' is not an IPv4 or IPv6 address`);
  let text = bare.toLowerCase();
  const tail: number[] = [];
  const dotted = /^(.*:)(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    // An IPv4-mapped or -compatible tail (::ffff:10.0.0.1) fills the last two groups.
    const [a, b, c, d] = dotted[2].split('.').map(Number);
    tail.push((a << 8) | b, (c << 8) | d);
    text = dotted[1].endsWith('::') ? dotted[1] : dotted[1].slice(0, -1);
  }
  const groupsOf = (part: string): number[] => (part === '' ? [] : part.split(':').map((g) => parseInt(g, 16)));
  const [head, rest] = text.split('::');
  const before = groupsOf(head);
  const after = [...(rest === undefined ? [] : groupsOf(rest)), ...tail];
  const zeros = rest === undefined ? 0 : 8 - before.length - after.length;
  const groups = [...before, ...new Array<number>(zeros).fill(0), ...after];
  const bytes = Buffer.alloc(16);
  groups.forEach((group, i) => bytes.writeUInt16BE(group, 2 * i));
  return bytes;
}

/** The canonical text of 4 or 16 octets: dotted IPv4, or RFC 5952 IPv6 (lowercase, longest zero run as `::`). */
export function formatIpAddress(bytes: Buffer): string {
  if (bytes.length === 4) return [...bytes].join('.');
  if (bytes.length !== 16) throw new Error(`an IP address has 4 or 16 octets, not ${bytes.length}`);
  // RFC 5952 §5: an IPv4-mapped address keeps its dotted tail.
  if (bytes.subarray(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff) return `::ffff:${[...bytes.subarray(12)].join('.')}`;
  const groups = Array.from({ length: 8 }, (_, i) => bytes.readUInt16BE(2 * i));
  let best = { start: -1, length: 0 };
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > best.length) best = { start: i, length: j - i };
    i = j;
  }
  const hex = (gs: number[]): string => gs.map((g) => g.toString(16)).join(':');
  // RFC 5952 §4.2.2: a single zero group is not shortened.
  if (best.length < 2) return hex(groups);
  return `${hex(groups.slice(0, best.start))}::${hex(groups.slice(best.start + best.length))}`;
}

/** One spelling per address: `::0001` and `0:0:0:0:0:0:0:1` both become `::1`. */
export const canonicalIpAddress = (address: string): string => formatIpAddress(ipAddressBytes(address));
