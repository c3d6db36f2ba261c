/**
 * The stand-ins against the stack they stand in for: the versions and ports it pins, and the
 * health checks it synthesizes (their URL and the text they grep for), served over loopback.
 * The integration test (integration/standins) runs the same commands inside the built images.
 */
import { DEFAULT_IMAGES } from '../../config/defaults';
import { ELASTICSEARCH_PORT } from '../../platform/elasticsearch';
import { GRAFANA_PORT } from '../../platform/grafana';
import { KAFKA_UI_PORT } from '../../platform/kafka-ui';
import { KIBANA_PORT } from '../../platform/kibana';
import { PINOT_BROKER_PORT, PINOT_CONTROLLER_PORT } from '../../platform/pinot';
import { STANDIN_HEADER, StandinServer } from '../../standins/http';
import { imageTag, standinImages } from '../../standins/images';
import { STANDIN_SERVICES, STANDINS, type StandinService } from '../../standins/services';
import { parseHealthCheck } from '../support/health-check';
import { configWith, resourcesOf, synthStack, type Json } from '../support/synth';

const PLATFORM_PORTS: Readonly<Record<StandinService, number[]>> = {
  elasticsearch: [ELASTICSEARCH_PORT],
  kibana: [KIBANA_PORT],
  grafana: [GRAFANA_PORT],
  pinot: [PINOT_CONTROLLER_PORT, PINOT_BROKER_PORT],
  'kafka-ui': [KAFKA_UI_PORT],
};

describe('stand-ins and the stack', () => {
  it('listen on the container ports the stack publishes', () => {
    for (const s of STANDIN_SERVICES) expect([s, STANDINS[s].listeners.map((l) => l.port)]).toEqual([s, PLATFORM_PORTS[s]]);
  });

  it('report, by default, the versions the stack pins, and are named after them', () => {
    for (const i of standinImages()) {
      expect([i.service, STANDINS[i.service].defaultVersion]).toEqual([i.service, imageTag(DEFAULT_IMAGES[i.setting])]);
      expect(i.image).toBe(`lab-local/standin-${i.service}:${i.version}`);
    }
    expect(standinImages().find((i) => i.service === 'kafka-ui')).toMatchObject({ image: 'lab-local/standin-kafka-ui:v1.5.0', replaces: 'ghcr.io/kafbat/kafka-ui:v1.5.0' });
  });

  it('reads the tag after a registry port, and refuses an untagged image', () => {
    expect(imageTag('localhost:5000/x/y:1.2')).toBe('1.2');
    expect(() => imageTag('localhost:5000/x/y')).toThrow("image 'localhost:5000/x/y' has no tag: pin a version in config/defaults.ts");
  });

  describe('pass the health check the stack synthesizes for them', () => {
    let containers: Record<string, Json>;
    beforeAll(() => {
      containers = resourcesOf(synthStack(configWith()), 'docker_container');
    }, 60_000);

    it.each(STANDIN_SERVICES)('%s', async (service) => {
      const container = containers[service];
      expect(container).toBeDefined();
      const { url, mustContain } = parseHealthCheck((container.healthcheck as { test: string[] }).test);
      const definition = STANDINS[service];
      const server = new StandinServer(definition.create(definition.defaultVersion));
      const ports = await server.listen(definition.listeners.map((l) => ({ name: l.name, port: 0 })), '127.0.0.1');
      try {
        const listener = definition.listeners.findIndex((l) => l.port === Number(url.port));
        expect(listener).toBeGreaterThanOrEqual(0);
        const res = await fetch(`http://127.0.0.1:${ports[listener]}${url.pathname}${url.search}`);
        const text = await res.text();
        expect([res.status, res.headers.get(STANDIN_HEADER)]).toEqual([200, service]);
        if (mustContain) expect(text).toContain(mustContain);
      } finally {
        await server.stop();
      }
    });
  });
});
