/**
 * JSON over HTTP for the ops appliers (ksqlDB, Kafka Connect, Elasticsearch): one request, its status and
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
  /** The JSON media type the service speaks (ksqlDB: application/vnd.ksql.v1+json). */
  mediaType = 'application/json',
): Promise<HttpOutcome> {
  try {
    const response = await fetch(url, {
      method,
      headers: { Accept: mediaType, ...(body === undefined ? {} : { 'Content-Type': mediaType }) },
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

export function describeNetworkError(e: unknown): string {
  // fetch's errors may come from another realm (jest, worker threads): read them structurally.
  if (typeof e !== 'object' || e === null || !('message' in e)) return String(e);
  const err = e as { name?: string; message: string; cause?: { code?: string } };
  if (err.name === 'TimeoutError') return 'the request timed out';
  // undici wraps the socket error (ECONNREFUSED, ENOTFOUND) in `cause`.
  return err.cause?.code ? `${err.message} (${err.cause.code})` : err.message;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
