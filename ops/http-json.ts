/**
 * JSON over HTTP for the ops appliers (ksqlDB, Kafka Connect, Elasticsearch, Kibana, Pinot): one request, its status and
 * parsed body, or the network error that prevented it, never an exception for an HTTP status.
 */
import { loginHeaders } from './object-env';
import { raiseAdvice, type TimeoutSetting } from './timeouts';

/** Every request of an applier process carries its login (authenticated access), read once. */
const LOGIN = loginHeaders();

export interface HttpResult {
  readonly status: number;
  /** Parsed JSON body, the raw text when it is not JSON, or undefined when empty. */
  readonly body: unknown;
}

export interface HttpFailure {
  /** Why no HTTP response arrived (connection refused, DNS, timeout). */
  readonly networkError: string;
  /** The request's own timeout ran out: raising that setting may help, unlike for a refused connection. */
  readonly timedOut: boolean;
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
  /** Further headers the service requires (Kibana: kbn-xsrf on every write). */
  headers: Readonly<Record<string, string>> = {},
): Promise<HttpOutcome> {
  try {
    const response = await fetch(url, {
      method,
      headers: { ...LOGIN, ...headers, Accept: mediaType, ...(body === undefined ? {} : { 'Content-Type': mediaType }) },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await response.text();
    return { status: response.status, body: parseBody(text) };
  } catch (e) {
    return { networkError: describeNetworkError(e), timedOut: isTimeout(e) };
  }
}

/**
 * What an outcome was, for messages: the network error, or the status and the service's own error
 * message. A request that ran out of time names the setting that bounds it.
 */
export function describeOutcome(outcome: HttpOutcome, errorMessage: (body: unknown) => string, requestTimeout: RequestTimeout): string {
  if (!isNetworkFailure(outcome)) return `HTTP ${outcome.status}: ${errorMessage(outcome.body)}`;
  return outcome.timedOut ? `${outcome.networkError} (${raiseAdvice(requestTimeout.setting, requestTimeout.ms)})` : outcome.networkError;
}

/** A tool's per-request timeout and the setting it came from. */
export interface RequestTimeout {
  readonly setting: TimeoutSetting;
  readonly ms: number;
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
  const err = e as { message: string; cause?: { code?: string } };
  if (isTimeout(e)) return 'the request timed out';
  // undici wraps the socket error (ECONNREFUSED, ENOTFOUND) in `cause`.
  return err.cause?.code ? `${err.message} (${err.cause.code})` : err.message;
}

/** AbortSignal.timeout's error, read structurally for the same cross-realm reason. */
function isTimeout(e: unknown): boolean {
  return typeof e === 'object' && e !== null && (e as { name?: unknown }).name === 'TimeoutError';
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
