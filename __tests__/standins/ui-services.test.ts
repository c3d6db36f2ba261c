import { GrafanaStandin } from '../../standins/grafana';
import { KafkaUiStandin } from '../../standins/kafka-ui';
import { KibanaStandin } from '../../standins/kibana';
import { configWith, resourcesOf, synthStack } from '../support/synth';
import { bodyOf, call } from './request';

describe('Kibana stand-in', () => {
  it('reports overall level available, compactly enough for the health check grep', () => {
    const res = call(new KibanaStandin('8.19.26'), 'GET', '/api/status');
    expect(JSON.stringify(res.body)).toContain('"level":"available"');
    expect(bodyOf(res).version).toMatchObject({ number: '8.19.26' });
  });

  it('keeps saved objects, and refuses a write without kbn-xsrf as Kibana does', () => {
    const kibana = new KibanaStandin();
    const view = { attributes: { title: 'ratings*', timeFieldName: 'ts' } };
    expect(call(kibana, 'POST', '/api/saved_objects/index-pattern/ratings', view)).toMatchObject({ status: 400, body: { message: 'Request must contain a kbn-xsrf header.' } });
    const xsrf = { headers: { 'kbn-xsrf': 'true' } };
    expect(call(kibana, 'POST', '/api/saved_objects/index-pattern/ratings', view, xsrf).status).toBe(200);
    expect(call(kibana, 'POST', '/api/saved_objects/index-pattern/ratings', view, xsrf).status).toBe(409);
    expect(bodyOf(call(kibana, 'GET', '/api/saved_objects/index-pattern/ratings')).attributes).toEqual(view.attributes);
    expect(bodyOf(call(kibana, 'GET', '/api/saved_objects/_find?type=index-pattern')).total).toBe(1);
    expect(call(kibana, 'DELETE', '/api/saved_objects/index-pattern/ratings', undefined, xsrf).status).toBe(200);
    expect(call(kibana, 'GET', '/api/saved_objects/index-pattern/ratings').status).toBe(404);
  });
});

describe('Grafana stand-in', () => {
  it('answers /api/health as Grafana does, without authentication', () => {
    const grafana = new GrafanaStandin('13.2.3');
    expect(call(grafana, 'GET', '/api/health').body).toEqual({ commit: 'standin', database: 'ok', version: '13.2.3' });
    expect(call(grafana, 'GET', '/api/search')).toMatchObject({ status: 401, body: { message: 'Unauthorized' } });
  });
});

describe('Kafka UI stand-in', () => {
  it('answers the actuator health as UP', () => {
    const ui = new KafkaUiStandin('v1.5.0');
    expect(call(ui, 'GET', '/actuator/health').body).toEqual({ status: 'UP' });
    expect(call(ui, 'GET', '/')).toMatchObject({ status: 404 });
  });

  it('lists the cluster of the environment the stack gives the Kafka UI container, with what it is wired to', () => {
    // The container's env as synthesized (`KEY=value` strings), read as kafbat reads its own.
    const container = Object.values(resourcesOf(synthStack(configWith()), 'docker_container')).find((c) => c.hostname === 'kafka-ui')!;
    const env = Object.fromEntries((container.env as string[]).map((e) => [e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1)]));
    const ui = new KafkaUiStandin('v1.5.0', env);
    expect(call(ui, 'GET', '/api/clusters').body).toEqual([
      expect.objectContaining({ name: 'lab', defaultCluster: true, status: 'offline', features: ['SCHEMA_REGISTRY', 'KAFKA_CONNECT', 'KSQL_DB'] }),
    ]);
    expect(call(ui, 'GET', '/api/clusters/lab/connects').body).toEqual([{ name: 'connect', address: 'http://connect:8083' }]);
    expect(call(ui, 'GET', '/api/clusters/other/connects').status).toBe(404);
  });

  it('lists no features a cluster is not configured with', () => {
    const ui = new KafkaUiStandin('v1.5.0', { KAFKA_CLUSTERS_0_NAME: 'bare', KAFKA_CLUSTERS_0_BOOTSTRAPSERVERS: 'k:9092' });
    expect(call(ui, 'GET', '/api/clusters').body).toEqual([expect.objectContaining({ name: 'bare', features: [] })]);
    expect(call(ui, 'GET', '/api/clusters/bare/connects').body).toEqual([]);
  });
});
