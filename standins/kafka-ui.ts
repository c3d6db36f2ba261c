/**
 * Kafka UI (kafbat) stand-in: the Spring Boot actuator's GET /actuator/health ({"status":"UP"}),
 * which the stack's wget health check calls, GET /actuator/info, and the two calls of kafbat's API
 * that say what a cluster is wired to: GET /api/clusters (each cluster with its `features`) and
 * GET /api/clusters/{name}/connects. It reads the clusters from the environment the stack gives
 * the real image (KAFKA_CLUSTERS_<i>_NAME, ..._SCHEMAREGISTRY, ..._KSQLDBSERVER,
 * ..._KAFKACONNECT_<j>_NAME/_ADDRESS), as kafbat's configuration binding does. It connects to no
 * cluster, so it reports each one offline with no brokers; the real UI reports them online.
 */
import { json, type StandinHandler, type StandinReply, type StandinRequest } from './http';

interface ConnectConfig {
  readonly name: string;
  readonly address: string;
}

export interface ClusterConfig {
  readonly name: string;
  readonly bootstrapServers?: string;
  readonly schemaRegistry?: string;
  readonly ksqldbServer?: string;
  readonly kafkaConnect: readonly ConnectConfig[];
}

/** The clusters of kafbat's KAFKA_CLUSTERS_<i>_* variables, in index order. */
export function clustersFromEnv(env: NodeJS.ProcessEnv): ClusterConfig[] {
  const clusters: ClusterConfig[] = [];
  for (let i = 0; env[`KAFKA_CLUSTERS_${i}_NAME`] !== undefined; i++) {
    const prefix = `KAFKA_CLUSTERS_${i}_`;
    const kafkaConnect: ConnectConfig[] = [];
    for (let j = 0; env[`${prefix}KAFKACONNECT_${j}_NAME`] !== undefined; j++) {
      kafkaConnect.push({ name: env[`${prefix}KAFKACONNECT_${j}_NAME`]!, address: env[`${prefix}KAFKACONNECT_${j}_ADDRESS`] ?? '' });
    }
    clusters.push({
      name: env[`${prefix}NAME`]!,
      bootstrapServers: env[`${prefix}BOOTSTRAPSERVERS`],
      schemaRegistry: env[`${prefix}SCHEMAREGISTRY`],
      ksqldbServer: env[`${prefix}KSQLDBSERVER`],
      kafkaConnect,
    });
  }
  return clusters;
}

/** kafbat's cluster features for what is configured (it adds TOPIC_DELETION and ACL ones from the brokers). */
function features(cluster: ClusterConfig): string[] {
  return [
    ...(cluster.schemaRegistry ? ['SCHEMA_REGISTRY'] : []),
    ...(cluster.kafkaConnect.length ? ['KAFKA_CONNECT'] : []),
    ...(cluster.ksqldbServer ? ['KSQL_DB'] : []),
  ];
}

export class KafkaUiStandin implements StandinHandler {
  readonly service = 'kafka-ui';
  private readonly clusters: readonly ClusterConfig[];

  constructor(
    private readonly version = 'v1.5.0',
    env: NodeJS.ProcessEnv = {},
  ) {
    this.clusters = clustersFromEnv(env);
  }

  state(): unknown {
    return { clusters: this.clusters };
  }

  handle(req: StandinRequest): StandinReply {
    if (req.method === 'GET' && req.path === '/actuator/health') return json(200, { status: 'UP' });
    if (req.method === 'GET' && req.path === '/actuator/info') return json(200, { build: { artifact: 'api', name: 'api', version: this.version } });
    if (req.method === 'GET' && req.path === '/api/clusters') {
      return json(
        200,
        this.clusters.map((c, i) => ({
          name: c.name,
          defaultCluster: i === 0,
          status: 'offline',
          brokerCount: 0,
          onlinePartitionCount: 0,
          topicCount: 0,
          readOnly: false,
          features: features(c),
        })),
      );
    }
    const connects = /^\/api\/clusters\/([^/]+)\/connects$/.exec(req.path);
    if (req.method === 'GET' && connects) {
      const cluster = this.clusters.find((c) => c.name === connects[1]);
      if (!cluster) return json(404, { code: 4007, message: `No cluster for name '${connects[1]}'` });
      return json(200, cluster.kafkaConnect.map((c) => ({ name: c.name, address: c.address })));
    }
    return json(404, { status: 404, error: 'Not Found', path: req.path, message: 'the Kafka UI stand-in answers /actuator/health, /actuator/info, /api/clusters and /api/clusters/{name}/connects only' });
  }
}
