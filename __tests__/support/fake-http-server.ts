import type { IncomingMessage, ServerResponse } from 'node:http';
import { BodyReadingServer } from '../../standins/http';

/**
 * The loopback HTTP server under a fake that answers raw requests (Kafka Connect): a subclass
 * answers each request, with its body already read, the way the real service's documented REST
 * API does. The stand-ins' fakes (ksqlDB, Elasticsearch) use standins/http.ts's StandinServer.
 */
export abstract class FakeHttpServer {
  private readonly server = new BodyReadingServer((req, res, body) => this.handle(req, res, body));

  protected abstract handle(req: IncomingMessage, res: ServerResponse, body: string): void;

  /** Starts on a free port of 127.0.0.1 and returns its base URL. */
  async start(): Promise<string> {
    const [port] = await this.server.listen([{ name: 'http', port: 0 }], '127.0.0.1');
    return `http://127.0.0.1:${port}`;
  }

  stop(): Promise<void> {
    return this.server.stop();
  }
}
