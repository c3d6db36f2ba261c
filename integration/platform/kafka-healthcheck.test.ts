import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { kafkaHealthCheck } from '../../platform/kafka-healthcheck';
import { type LocalKafka, startKafka } from '../support/kafka';
import { freePort } from '../support/ports';
import { runHealthCheck } from '../support/health-check';

/**
 * The broker's Docker health check, the very command the stack synthesizes (['CMD', 'bash', '-c',
 * script]), run with bash on this machine against a real Kafka 3.9.1 broker on 127.0.0.1: the
 * host's broker stands in for the container's INTERNAL listener, which the check reaches on
 * 127.0.0.1 inside the container in the same way.
 */
const runKafkaCheck = (port: number): ReturnType<typeof runHealthCheck> => runHealthCheck(kafkaHealthCheck(port));

describe('Kafka health check (bash /dev/tcp ApiVersions probe)', () => {
  let kafka: LocalKafka;

  beforeAll(async () => {
    kafka = await startKafka();
  });

  afterAll(async () => {
    await kafka?.stop();
  });

  it('succeeds against a running broker', async () => {
    expect(await runKafkaCheck(kafka.port)).toEqual({ code: 0, output: '' });
  });

  it('succeeds on every run, not once: the broker keeps answering repeated probes', async () => {
    for (let i = 0; i < 5; i++) expect((await runKafkaCheck(kafka.port)).code).toBe(0);
  });

  it('fails against a closed port', async () => {
    const port = await freePort();
    expect((await runKafkaCheck(port)).code).toBe(1);
  });

  describe('against a listener that is not Kafka (an HTTP server)', () => {
    let http: HttpServer;
    let requests = 0;

    beforeAll(async () => {
      // Node's HTTP parser answers the binary request with "HTTP/1.1 400 Bad Request" and closes.
      http = createHttpServer((_req, res) => {
        requests++;
        res.end('ok');
      });
      await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    });

    afterAll(async () => {
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    });

    it('fails', async () => {
      const { port } = http.address() as AddressInfo;
      expect((await runKafkaCheck(port)).code).toBe(1);
      expect(requests).toBe(0);
    });
  });

  it('fails once the broker is stopped', async () => {
    await kafka.stop();
    expect((await runKafkaCheck(kafka.port)).code).toBe(1);
  });
});
