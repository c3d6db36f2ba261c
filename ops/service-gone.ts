/**
 * Destroy-time check shared by the ops CLIs: when the service that holds an object is not there
 * any more (its container already stopped or removed, nothing listening, its name unknown), the
 * object went with it, so deleting it is a success, not an error that would stop `cdktf destroy`
 * half way with containers left.
 */
import { describeNetworkError } from './http-json';
import { loginHeaders } from './object-env';

/** The header the lab's TLS proxy (platform/proxy-config.ts) adds to its own 502 when the service behind it cannot be reached. */
export const PROXY_UPSTREAM_GONE_HEADER = 'x-lab-proxy-upstream-gone';

/** Socket errors that mean nothing serves the endpoint, as opposed to a service that is there but slow. */
const GONE_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNRESET']);

function socketCode(e: unknown): string | undefined {
  // fetch wraps the socket error in `cause` (undici); read it structurally, errors may cross realms.
  if (typeof e !== 'object' || e === null) return undefined;
  const cause = (e as { cause?: { code?: unknown } }).cause;
  return typeof cause?.code === 'string' ? cause.code : undefined;
}

/**
 * Why `endpoint` is gone (for the log line), or undefined when something answers there, even
 * with an error status: then the object must really be deleted.
 */
export async function serviceGone(endpoint: string, timeoutMs = 5_000): Promise<string | undefined> {
  try {
    const response = await fetch(endpoint, { method: 'GET', headers: loginHeaders(), signal: AbortSignal.timeout(timeoutMs) });
    // Behind the lab's TLS proxy a service that is gone is the proxy's own 502, which it marks.
    return response.status === 502 && response.headers.get(PROXY_UPSTREAM_GONE_HEADER) !== null ? `the proxy at ${endpoint} reaches no service` : undefined;
  } catch (e) {
    const code = socketCode(e);
    return code && GONE_CODES.has(code) ? describeNetworkError(e) : undefined;
  }
}

/** The log line of a delete that found its service gone. */
export function goneMessage(tool: string, object: string, endpoint: string, why: string): string {
  return `${tool}: ${object}: nothing answers at ${endpoint} (${why}); the service is gone and its objects with it, so there is nothing to delete`;
}
