import type { StandinAnswer, StandinHandler, StandinReply } from '../../standins/http';

/** Calls a stand-in's handler directly, as the server would after reading the request. */
export function call(
  handler: StandinHandler,
  method: string,
  pathAndQuery: string,
  body: unknown = undefined,
  options: { headers?: Record<string, string>; listener?: string } = {},
): StandinReply {
  const url = new URL(pathAndQuery, 'http://standin');
  const text = body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body);
  const answer: StandinAnswer = handler.handle({
    method,
    path: decodeURIComponent(url.pathname),
    query: url.searchParams,
    headers: options.headers ?? {},
    body: text,
    listener: options.listener ?? 'http',
  });
  if (answer === 'close') throw new Error(`${method} ${pathAndQuery} closed the connection`);
  return answer;
}

/** The reply's body as an object, for property access in assertions. */
export function bodyOf(reply: StandinReply): Record<string, unknown> {
  return reply.body as Record<string, unknown>;
}
