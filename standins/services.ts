/**
 * The stand-ins by service name: how to make each handler and the ports it listens on (the ports
 * of the container it replaces, as the stack publishes them: platform/*.ts).
 */
import { ElasticsearchStandin } from './elasticsearch';
import { GrafanaStandin, readGrafanaSetup } from './grafana';
import type { Listener, StandinHandler } from './http';
import { KafkaUiStandin } from './kafka-ui';
import { KibanaStandin } from './kibana';
import { PINOT_LISTENERS, PinotStandin } from './pinot';

// ksqlDB is no longer among them: the rehearsal runs the real ksqlDB 7.9.9 (lab-local/cp-ksqldb-server,
// scripts/local-images/platform-images.sh). Its stand-in (ksqldb.ts) remains only as the unit tests' fake.
export const STANDIN_SERVICES = ['elasticsearch', 'kibana', 'grafana', 'pinot', 'kafka-ui'] as const;
export type StandinService = (typeof STANDIN_SERVICES)[number];

export interface StandinDefinition {
  readonly listeners: readonly Listener[];
  /**
   * `version` is what the stand-in reports as its version: the tag of the image it replaces;
   * `env` is the environment the stack gives the replaced container (Kafka UI reads its clusters there;
   * none: no clusters).
   */
  create(version: string, env?: NodeJS.ProcessEnv): StandinHandler;
  /**
   * The version reported when none is given (a stand-in started by hand on the host). Images get the
   * tag of the image they replace from config/defaults.ts (standins/images.ts); a unit test keeps
   * these equal to it.
   */
  readonly defaultVersion: string;
}

export const STANDINS: Readonly<Record<StandinService, StandinDefinition>> = {
  elasticsearch: { listeners: [{ name: 'http', port: 9200 }], create: (v) => new ElasticsearchStandin(v), defaultVersion: '8.19.26' },
  kibana: { listeners: [{ name: 'http', port: 5601 }], create: (v) => new KibanaStandin(v), defaultVersion: '8.19.26' },
  grafana: { listeners: [{ name: 'http', port: 3000 }], create: (v) => new GrafanaStandin(v, readGrafanaSetup(process.env)), defaultVersion: '13.2.3' },
  pinot: {
    listeners: [
      { name: PINOT_LISTENERS.controller, port: 9000 },
      { name: PINOT_LISTENERS.broker, port: 8000 },
    ],
    create: () => new PinotStandin(),
    defaultVersion: '1.5.1',
  },
  'kafka-ui': { listeners: [{ name: 'http', port: 8080 }], create: (v, env) => new KafkaUiStandin(v, env), defaultVersion: 'v1.5.0' },
};

export function isStandinService(name: string | undefined): name is StandinService {
  return (STANDIN_SERVICES as readonly string[]).includes(name ?? '');
}
