/**
 * Kafka UI (kafbat) stand-in: the Spring Boot actuator's GET /actuator/health ({"status":"UP"}),
 * which the stack's wget health check calls, and GET /actuator/info. It shows no UI and connects
 * to no cluster.
 */
import { json, type StandinHandler, type StandinReply, type StandinRequest } from './http';

export class KafkaUiStandin implements StandinHandler {
  readonly service = 'kafka-ui';

  constructor(private readonly version = 'v1.5.0') {}

  handle(req: StandinRequest): StandinReply {
    if (req.method === 'GET' && req.path === '/actuator/health') return json(200, { status: 'UP' });
    if (req.method === 'GET' && req.path === '/actuator/info') return json(200, { build: { artifact: 'api', name: 'api', version: this.version } });
    return json(404, { status: 404, error: 'Not Found', path: req.path, message: 'the Kafka UI stand-in answers /actuator/health and /actuator/info only' });
  }
}
