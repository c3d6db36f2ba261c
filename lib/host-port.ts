/**
 * One `host:port` address, as Kafka bootstrap lists hold them. Shared by the generator CLI and the
 * lab configuration so that both accept the same addresses. The checks are those a bad value
 * would otherwise fail much later: a port above 65535 makes clients retry for minutes, and a
 * host starting with '-' is read as an option by the tools it is handed to.
 */

/** A DNS name (underscores too: Docker and Compose names have them) or an IPv4 address, or an IPv6 one in brackets. */
const HOST = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9_](?:[A-Za-z0-9_-]*[A-Za-z0-9_])?(?:\.[A-Za-z0-9_](?:[A-Za-z0-9_-]*[A-Za-z0-9_])?)*)$/;
const MAX_HOST_LENGTH = 253;

/** What a host:port list may hold, for messages. */
export const HOST_PORT_RULE = "host:port, the host a DNS name or IP address not starting with '-', the port from 1 to 65535";

/** Why `entry` is not a usable host:port (a phrase after the entry, e.g. "has port 70000, above 65535"), or undefined. */
export function hostPortProblem(entry: string): string | undefined {
  const colon = entry.lastIndexOf(':');
  if (colon === -1) return 'is not host:port';
  const host = entry.slice(0, colon);
  const port = entry.slice(colon + 1);
  if (host.startsWith('-')) return "has a host starting with '-'";
  if (!HOST.test(host) || host.length > MAX_HOST_LENGTH || !/^\d{1,5}$/.test(port)) return 'is not host:port';
  const number = Number(port);
  if (number < 1 || number > 65535) return `has port ${number}, outside 1-65535`;
  return undefined;
}
