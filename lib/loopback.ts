import { isIP } from 'node:net';

/** Whether `address` (IPv4, or IPv6 with or without brackets) is a loopback address: only this machine reaches it. */
export function isLoopbackAddress(address: string): boolean {
  const bare = address.replace(/^\[|\]$/g, '');
  if (isIP(bare) === 4) return bare.startsWith('127.');
  if (isIP(bare) === 6) return bare === '::1' || /^::ffff:127\./i.test(bare);
  return false;
}
