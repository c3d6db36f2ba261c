import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * The loopback HTTP server under every fake of a service that cannot run in `npm test`
 * (ksqlDB, Kafka Connect with the Elasticsearch sink, Elasticsearch): a subclass answers each
 * request, with its body already read, the way the real service's documented REST API does.
 */
export abstract class FakeHttpServer {
  private server: Server | undefined;

  protected abstract handle(req: IncomingMessage, res: ServerResponse, body: string): void;

  /** Starts on a free port of 127.0.0.1 and returns its base URL. */
  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => this.handle(req, res, Buffer.concat(chunks).toString('utf8')));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
