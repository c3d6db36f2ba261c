import { isIP } from 'node:net';

/**
 * Whether an IP address (IPv6 possibly in brackets) is a loopback one: 127.0.0.0/8, ::1 or an
 * IPv4-mapped 127.x. Names are not resolved here. Shared by the payments load tool, which refuses
 * to load anything else, and the configuration, which allows an anonymous listener only there.
 */
export function isLoopbackAddress(address: string): boolean {
  const bare = address.replace(/^\[|\]$/g, '');
  if (isIP(bare) === 4) return bare.startsWith('127.');
  if (isIP(bare) === 6) return bare === '::1' || /^::ffff:127\./i.test(bare);
  return false;
}
