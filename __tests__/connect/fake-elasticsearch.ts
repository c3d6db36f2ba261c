/**
 * A fake Elasticsearch on 127.0.0.1 with the documented shapes of GET /_cluster/health
 * (408 with the current status when wait_for_status times out) and PUT/DELETE
 * /_index_template/{name} ({acknowledged: true}; errors as {error: {type, reason}, status}).
 * Elasticsearch cannot run here (no Docker, not on a reachable registry).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { FakeHttpServer } from '../support/fake-http-server';

export class FakeElasticsearch extends FakeHttpServer {
  readonly templates = new Map<string, unknown>();
  readonly requests: Array<{ method: string; path: string; body: unknown }> = [];
  /** Health answers before the cluster is yellow: 'down' closes the socket, 'red' answers 408 with status red. */
  startup: Array<'down' | 'red'> = [];
  /** When set, PUT /_index_template answers 400 with this reason. */
  rejectTemplateWith: string | undefined;

  protected handle(req: IncomingMessage, res: ServerResponse, text: string): void {
    const method = req.method ?? 'GET';
    const url = new URL(req.url ?? '/', 'http://localhost');
    this.requests.push({ method, path: url.pathname + url.search, body: text ? (JSON.parse(text) as unknown) : undefined });
    const send = (status: number, payload: unknown): void => {
      res.writeHead(status, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(payload));
    };
    if (url.pathname === '/_cluster/health' && method === 'GET') {
      const next = this.startup.shift();
      if (next === 'down') {
        req.socket.destroy();
        return;
      }
      if (next === 'red') return send(408, { cluster_name: 'lab', status: 'red', timed_out: true });
      return send(200, { cluster_name: 'lab', status: 'yellow', timed_out: false });
    }
    const template = /^\/_index_template\/([^/]+)$/.exec(url.pathname);
    if (template) {
      const name = decodeURIComponent(template[1]);
      if (method === 'PUT') {
        if (this.rejectTemplateWith) {
          return send(400, { error: { type: 'illegal_argument_exception', reason: this.rejectTemplateWith }, status: 400 });
        }
        this.templates.set(name, JSON.parse(text) as unknown);
        return send(200, { acknowledged: true });
      }
      if (method === 'DELETE') {
        if (!this.templates.delete(name)) {
          return send(404, { error: { type: 'resource_not_found_exception', reason: `index_template [${name}] missing` }, status: 404 });
        }
        return send(200, { acknowledged: true });
      }
    }
    send(404, { error: { type: 'no_handler', reason: `no handler for ${method} ${url.pathname}` }, status: 404 });
  }
}
