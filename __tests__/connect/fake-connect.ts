/**
 * A fake Kafka Connect worker on 127.0.0.1 that follows the documented REST shapes (GET /,
 * PUT/GET /connectors/{name}/config, GET /connectors/{name}/status, DELETE /connectors/{name},
 * errors as {error_code, message}). It stands in for the stack's Connect image with the Confluent
 * Elasticsearch sink, which cannot run here (no Docker, not on a reachable registry); the Debezium
 * path runs against a real worker in integration/connect/.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { FakeHttpServer } from '../support/fake-http-server';
import type { ConnectorStatus, TaskStatus } from '../../ops/connect/rest';

export interface FakeConnector {
  config: Record<string, string>;
  /** Statuses returned by successive GET .../status calls; the last one repeats. */
  statuses: ConnectorStatus[];
  /** GET .../status calls answered 404 before the first status (status topic not caught up). */
  statusNotFoundPolls: number;
}

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly body: unknown;
}

export function running(name: string, tasks = 1): ConnectorStatus {
  const taskStatuses: TaskStatus[] = Array.from({ length: tasks }, (_, id) => ({ id, state: 'RUNNING', worker_id: 'connect:8083' }));
  return { name, connector: { state: 'RUNNING', worker_id: 'connect:8083' }, tasks: taskStatuses, type: 'sink' };
}

export function withState(name: string, connector: ConnectorStatus['connector']['state'], tasks: TaskStatus[]): ConnectorStatus {
  return { name, connector: { state: connector, worker_id: 'connect:8083' }, tasks, type: 'sink' };
}

export class FakeConnect extends FakeHttpServer {
  readonly connectors = new Map<string, FakeConnector>();
  readonly requests: RecordedRequest[] = [];
  /** Answers to GET / before it returns the worker info: 'down' closes the socket, a number is an HTTP status. */
  workerStartup: Array<'down' | number> = [];
  /** The next PUT answers 409 this many times (a rebalance in progress). */
  rebalancingPuts = 0;
  /** The next GET of a connector's config answers 500 "a rebalance is expected" this many times (Connect 3.9's herder while its group is about to rebalance). */
  rebalanceExpectedReads = 0;
  /** When set, PUT answers 400 with this message, as Connect does for an invalid config. */
  rejectConfigWith: string | undefined;
  /** Statuses a newly created connector will report. */
  statusesOnCreate: (name: string) => ConnectorStatus[] = (name) => [withState(name, 'UNASSIGNED', []), running(name)];
  statusNotFoundPollsOnCreate = 1;
  /** GET /connectors/{name} keeps listing a deleted connector this many times. */
  listedAfterDelete = 0;

  private deletedListings = new Map<string, number>();

  requestsTo(method: string, pathPrefix: string): RecordedRequest[] {
    return this.requests.filter((r) => r.method === method && r.path.startsWith(pathPrefix));
  }

  protected handle(req: IncomingMessage, res: ServerResponse, text: string): void {
    const path = req.url ?? '/';
    const method = req.method ?? 'GET';
    const body = text ? (JSON.parse(text) as unknown) : undefined;
    this.requests.push({ method, path, body });
    const send = (status: number, payload?: unknown): void => {
      res.writeHead(status, { 'Content-Type': 'application/json' });
      res.end(payload === undefined ? '' : JSON.stringify(payload));
    };
    const error = (status: number, message: string): void => send(status, { error_code: status, message });

    if (path === '/' && method === 'GET') {
      const next = this.workerStartup.shift();
      if (next === 'down') {
        req.socket.destroy();
        return;
      }
      if (typeof next === 'number') return error(next, 'worker starting');
      return send(200, { version: '3.9.1', commit: 'abc', kafka_cluster_id: 'fake' });
    }

    const match = /^\/connectors\/([^/]+)(\/config|\/status)?$/.exec(path);
    if (!match) return error(404, `Unknown path ${path}`);
    const name = decodeURIComponent(match[1]);
    const sub = match[2] ?? '';
    const connector = this.connectors.get(name);

    if (sub === '/config' && method === 'GET' && this.rebalanceExpectedReads > 0) {
      this.rebalanceExpectedReads--;
      return error(500, 'Request cannot be completed because a rebalance is expected');
    }
    if (sub === '/config' && method === 'PUT') {
      if (this.rebalancingPuts > 0) {
        this.rebalancingPuts--;
        return error(409, 'Cannot complete request momentarily due to stale configuration (typically caused by a concurrent config change)');
      }
      if (this.rejectConfigWith) return error(400, this.rejectConfigWith);
      const config = body as Record<string, string>;
      if (connector) {
        connector.config = config;
        return send(200, { name, config, tasks: [{ connector: name, task: 0 }], type: 'sink' });
      }
      this.connectors.set(name, { config, statuses: this.statusesOnCreate(name), statusNotFoundPolls: this.statusNotFoundPollsOnCreate });
      return send(201, { name, config, tasks: [], type: 'sink' });
    }
    if (sub === '/config' && method === 'GET') {
      return connector ? send(200, connector.config) : error(404, `Connector ${name} not found`);
    }
    if (sub === '/status' && method === 'GET') {
      if (!connector) return error(404, `No status found for connector ${name}`);
      if (connector.statusNotFoundPolls > 0) {
        connector.statusNotFoundPolls--;
        return error(404, `No status found for connector ${name}`);
      }
      const status = connector.statuses.length > 1 ? connector.statuses.shift()! : connector.statuses[0];
      return send(200, status);
    }
    if (sub === '' && method === 'DELETE') {
      if (!connector) return error(404, `Connector ${name} not found`);
      this.connectors.delete(name);
      this.deletedListings.set(name, this.listedAfterDelete);
      return send(204);
    }
    if (sub === '' && method === 'GET') {
      const lingering = this.deletedListings.get(name) ?? 0;
      if (!connector && lingering > 0) {
        this.deletedListings.set(name, lingering - 1);
        return send(200, { name, config: {}, tasks: [], type: 'sink' });
      }
      return connector ? send(200, { name, config: connector.config, tasks: [], type: 'sink' }) : error(404, `Connector ${name} not found`);
    }
    return error(405, `HTTP ${method} not allowed on ${path}`);
  }
}
