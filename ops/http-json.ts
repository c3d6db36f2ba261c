/**
 * JSON over HTTP for the ops appliers (Kafka Connect, Elasticsearch): one request, its status and
 * parsed body, or the network error that prevented it, never an exception for an HTTP status.
 */

export interface HttpResult {
  readonly status: number;
  /** Parsed JSON body, the raw text when it is not JSON, or undefined when empty. */
  readonly body: unknown;
}

export interface HttpFailure {
  /** Why no HTTP response arrived (connection refused, DNS, timeout). */
  readonly networkError: string;
}

export type HttpOutcome = HttpResult | HttpFailure;

export function isNetworkFailure(outcome: HttpOutcome): outcome is HttpFailure {
  return 'networkError' in outcome;
}

export type HttpMethod = 'GET' | 'PUT' | 'POST' | 'DELETE';

/** Sends one request with a per-request timeout; network errors are returned, not thrown. */
export async function requestJson(
  method: HttpMethod,
  url: string,
  body?: unknown,
  timeoutMs = 30_000,
): Promise<HttpOutcome> {
  try {
    const response = await fetch(url, {
      method,
      headers: { Accept: 'application/json', ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await response.text();
    return { status: response.status, body: parseBody(text) };
  } catch (e) {
    return { networkError: describeNetworkError(e) };
  }
}

function parseBody(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function describeNetworkError(e: unknown): string {
  if (!(e instanceof Error)) return String(e);
  // undici wraps the socket error (ECONNREFUSED, ENOTFOUND) in `cause`.
  const cause = (e as Error & { cause?: unknown }).cause;
  const detail = cause instanceof Error ? `: ${cause.message}` : '';
  return `${e.name === 'TimeoutError' ? 'request timed out' : e.message}${detail}`;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
