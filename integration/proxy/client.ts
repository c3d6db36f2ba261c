import type { IncomingHttpHeaders } from 'node:http';
import { request, type RequestOptions } from 'node:https';
import { basicAuthorization } from '../../lib/basic-auth';

export interface HttpsAnswer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

export { basicAuthorization as basicAuth } from '../../lib/basic-auth';

/**
 * One HTTPS request to 127.0.0.1:`port`, trusting `ca` (PEM; node:https, since Node 20's fetch
 * takes no CA of its own), basic auth when `auth` is given. `tls` overrides any TLS option,
 * `ca: undefined` included.
 */
export function sendHttps(options: {
  port: number;
  path: string;
  ca: string;
  method?: string;
  auth?: { readonly name: string; readonly password: string };
  body?: string;
  headers?: Record<string, string>;
  tls?: Partial<RequestOptions>;
}): Promise<HttpsAnswer> {
  return new Promise((resolveAnswer, reject) => {
    const headers: Record<string, string> = { ...options.headers };
    if (options.auth) headers.Authorization = basicAuthorization(options.auth.name, options.auth.password);
    const req = request(
      { host: '127.0.0.1', port: options.port, path: options.path, method: options.method ?? 'GET', headers, ca: options.ca, agent: false, timeout: 15_000, ...options.tls },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolveAnswer({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer from 127.0.0.1:${options.port} within 15 s`)));
    req.on('error', reject);
    req.end(options.body);
  });
}
