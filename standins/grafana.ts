/**
 * Grafana stand-in: GET /api/health as Grafana answers it ({commit, database: "ok", version}),
 * which the stack's wget health check calls. Nothing else: dashboards and data sources are
 * provisioned from files the stack writes into the container, and the stand-in reads none of them.
 */
import { json, type StandinHandler, type StandinReply, type StandinRequest } from './http';

export class GrafanaStandin implements StandinHandler {
  readonly service = 'grafana';

  constructor(private readonly version = '13.2.3') {}

  handle(req: StandinRequest): StandinReply {
    if (req.method === 'GET' && req.path === '/api/health') return json(200, { commit: 'standin', database: 'ok', version: this.version });
    return json(404, { message: `the Grafana stand-in has no route ${req.method} ${req.path}; it answers /api/health only` });
  }
}
