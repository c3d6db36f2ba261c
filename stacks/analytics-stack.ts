import { Image } from '@cdktf/provider-docker/lib/image';
import { Network } from '@cdktf/provider-docker/lib/network';
import { DockerProvider } from '@cdktf/provider-docker/lib/provider';
import { Password } from '@cdktf/provider-random/lib/password';
import { RandomProvider } from '@cdktf/provider-random/lib/provider';
import { TerraformOutput, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import type { ImageName, LabConfig, SaslMechanism } from '../config/types';
import { PIPELINES } from '../pipelines/catalog';
import type { OptionalService, PipelineDecl } from '../pipelines/types';
import { appImage, Generator, PAYMENTS_API_PORT, PaymentsApi } from '../platform/app';
import { CONNECT_PORT, KafkaConnect } from '../platform/connect';
import { Elasticsearch, ELASTICSEARCH_PORT } from '../platform/elasticsearch';
import { ExternalKafka } from '../platform/external-kafka';
import { Grafana } from '../platform/grafana';
import { KafkaBrokers } from '../platform/kafka';
import type { KafkaConnection } from '../platform/kafka-connection';
import { KafkaUi } from '../platform/kafka-ui';
import { Kibana } from '../platform/kibana';
import { KsqlDb, KSQLDB_PORT } from '../platform/ksqldb';
import { APP_USER, MARIADB_PORT, MariaDb, MOODLE_DATABASE } from '../platform/mariadb';
import { Pinot } from '../platform/pinot';
import { SchemaRegistry, SCHEMA_REGISTRY_PORT } from '../platform/schema-registry';
import type { Service, ServiceContext } from '../platform/service';
import { KafkaProvider, type KafkaSaslMechanism } from '../providers/kafka';
import { validateEnabledPipelineScripts } from '../constructs/ksql-objects';
import { createPipelineTopics, PipelineResources } from './pipeline-resources';

/** The Mongey/kafka provider's names for the SASL mechanisms. */
const PROVIDER_SASL: Readonly<Record<SaslMechanism, KafkaSaslMechanism>> = {
  PLAIN: 'plain',
  'SCRAM-SHA-256': 'scram-sha256',
  'SCRAM-SHA-512': 'scram-sha512',
};

/** Where the deploying machine reaches the published ports. */
function hostAddress(config: LabConfig): string {
  return config.bindAddress === '0.0.0.0' ? '127.0.0.1' : config.bindAddress;
}

/** A generated password, kept in state only; URL-safe so it can sit in a connection URL. */
function generatedPassword(scope: Construct, id: string): Password {
  return new Password(scope, id, { length: 24, special: false });
}

/** Every service of the lab and, per enabled pipeline, what it needs. */
export class AnalyticsStack extends TerraformStack {
  readonly services: Service[] = [];
  readonly config: LabConfig;

  constructor(scope: Construct, id: string, config: LabConfig) {
    super(scope, id);
    this.config = config;
    new DockerProvider(this, 'docker', {});
    new RandomProvider(this, 'random', {});

    const pipelines: PipelineDecl[] = config.pipelines.map((name) => PIPELINES[name]);
    const needs = new Set<OptionalService>(pipelines.flatMap((p) => p.needs));
    const network = new Network(this, 'network', { name: `${config.project}-net` });
    const context: ServiceContext = { project: config.project, network, bindAddress: config.bindAddress };
    const images = new Map<ImageName, Image>();
    const image = (name: ImageName): Image => {
      let pulled = images.get(name);
      if (!pulled) {
        pulled = new Image(this, `image-${name}`, { name: config.images[name], keepLocally: !config.removePulledImages });
        images.set(name, pulled);
      }
      return pulled;
    };
    const track = <T extends { service: Service }>(construct: T): T => {
      this.services.push(construct.service);
      return construct;
    };
    const mem = config.memoryMb;
    const ports = config.ports;

    let kafka: KafkaConnection;
    if (config.kafka.mode === 'local') {
      const brokers = new KafkaBrokers(this, 'kafka', {
        context,
        image: image('kafka'),
        brokers: config.kafka.brokers,
        memoryMb: mem.kafka,
        firstHostPort: ports.kafka,
        advertisedHost: hostAddress(config),
        defaultPartitions: config.kafka.topicPartitions,
      });
      kafka = brokers.connection;
      this.services.push(...kafka.brokers);
      // Terraform reaches the brokers through their published ports, in plaintext.
      new KafkaProvider(this, 'kafka-provider', {
        bootstrapServers: Array.from({ length: config.kafka.brokers }, (_, i) => `${hostAddress(config)}:${ports.kafka + i}`),
        tlsEnabled: false,
      });
    } else {
      // validateConfig guarantees `external` is present in external mode.
      const external = config.kafka.external!;
      kafka = new ExternalKafka(this, 'kafka', external).connection;
      new KafkaProvider(this, 'kafka-provider', {
        bootstrapServers: external.bootstrapServers.split(','),
        tlsEnabled: external.securityProtocol.endsWith('SSL'),
        ...(kafka.saslCredentials
          ? { saslMechanism: PROVIDER_SASL[external.saslMechanism], saslUsername: kafka.saslCredentials.username, saslPassword: kafka.saslCredentials.password }
          : {}),
      });
    }

    const schemaRegistry = track(
      new SchemaRegistry(this, 'schema-registry', { context, image: image('schemaRegistry'), kafka, memoryMb: mem.schemaRegistry, hostPort: ports.schemaRegistry }),
    ).service;
    const schemaRegistryUrl = schemaRegistry.url(SCHEMA_REGISTRY_PORT);

    const elasticsearch = track(
      new Elasticsearch(this, 'elasticsearch', { context, image: image('elasticsearch'), memoryMb: mem.elasticsearch, hostPort: ports.elasticsearch }),
    ).service;
    const elasticsearchUrl = elasticsearch.url(ELASTICSEARCH_PORT);

    let mariadb: Service | undefined;
    const appPassword = needs.has('mariadb') ? generatedPassword(this, 'mariadb-app-password') : undefined;
    const cdcPassword = needs.has('mariadb') ? generatedPassword(this, 'mariadb-cdc-password') : undefined;
    if (needs.has('mariadb') && appPassword && cdcPassword) {
      mariadb = track(
        new MariaDb(this, 'mariadb', {
          context,
          image: image('mariadb'),
          memoryMb: mem.mariadb,
          hostPort: ports.mariadb,
          rootPassword: generatedPassword(this, 'mariadb-root-password').result,
          appPassword: appPassword.result,
          cdcPassword: cdcPassword.result,
        }),
      ).service;
    }

    const connect = track(
      new KafkaConnect(this, 'connect', {
        context,
        baseImage: config.images.connectBase,
        kafka,
        memoryMb: mem.connect,
        hostPort: ports.connect,
        // The Debezium connector reads its password through Connect's env config provider.
        secretEnv: cdcPassword ? { MOODLE_CDC_PASSWORD: cdcPassword.result } : undefined,
        dependsOn: [elasticsearch, ...(mariadb ? [mariadb] : [])],
      }),
    ).service;
    const connectUrl = connect.url(CONNECT_PORT);

    const ksqldb = track(
      new KsqlDb(this, 'ksqldb', {
        context,
        image: image('ksqldb'),
        kafka,
        schemaRegistry,
        schemaRegistryUrl,
        connect,
        connectUrl,
        memoryMb: mem.ksqldb,
        hostPort: ports.ksqldb,
      }),
    ).service;

    const grafanaPassword = generatedPassword(this, 'grafana-admin-password');
    track(
      new Grafana(this, 'grafana', {
        context,
        image: image('grafana'),
        elasticsearch,
        memoryMb: mem.grafana,
        hostPort: ports.grafana,
        adminPassword: grafanaPassword.result,
      }),
    );

    track(
      new KafkaUi(this, 'kafka-ui', {
        context,
        image: image('kafkaUi'),
        kafka,
        schemaRegistryUrl,
        ksqlDbUrl: ksqldb.url(KSQLDB_PORT),
        connectUrl,
        dependsOn: [schemaRegistry, ksqldb, connect],
        memoryMb: mem.kafkaUi,
        hostPort: ports.kafkaUi,
      }),
    );

    if (needs.has('kibana')) {
      track(new Kibana(this, 'kibana', { context, image: image('kibana'), elasticsearch, elasticsearchUrl, memoryMb: mem.kibana, hostPort: ports.kibana }));
    }
    if (needs.has('pinot')) {
      track(
        new Pinot(this, 'pinot', {
          context,
          image: image('pinot'),
          kafka,
          memoryMb: mem.pinot,
          controllerHostPort: ports.pinotController,
          brokerHostPort: ports.pinotBroker,
        }),
      );
    }

    // Parsed and validated once: one error naming file and line for every problem across all enabled scripts.
    const graph = validateEnabledPipelineScripts(pipelines);
    const topics = createPipelineTopics(this, pipelines, graph, config, kafka);
    const app = appImage(this, config.project, config.images.nodeBase);
    const paymentsApi = pipelines.some((p) => p.paymentsApi)
      ? track(
          new PaymentsApi(this, 'payments-api', {
            context,
            image: app,
            kafka,
            schemaRegistry,
            schemaRegistryUrl,
            memoryMb: mem.paymentsApi,
            hostPort: ports.paymentsApi,
            topics: topics.forDataset('payments'),
          }),
        ).service
      : undefined;

    for (const dataset of new Set(pipelines.flatMap((p) => p.datasets))) {
      // A rate of 0 pauses the dataset: its pipeline is deployed, but no generator runs for it.
      if (config.rates[dataset] === 0) continue;
      const isMoodleLogs = dataset === 'moodle_logs';
      track(
        new Generator(this, `generator-${dataset}`, {
          context,
          image: app,
          dataset,
          ratePerSecond: config.rates[dataset],
          memoryMb: mem.generator,
          kafka,
          topics: dataset === 'moodle_logs' ? [] : topics.forDataset(dataset),
          env:
            isMoodleLogs && mariadb && appPassword
              ? { MOODLE_DB_URL: `mysql://${APP_USER}:${appPassword.result}@${mariadb.address(MARIADB_PORT)}/${MOODLE_DATABASE}` }
              : undefined,
          dependsOn: isMoodleLogs && mariadb ? [mariadb] : dataset === 'payments' && paymentsApi ? [paymentsApi] : [],
          extraArgs: [
            ...pipelines.flatMap((p) => p.generatorArgs?.[dataset] ?? []),
            ...(dataset === 'payments' && paymentsApi ? ['--via-api', paymentsApi.url(PAYMENTS_API_PORT)] : []),
          ],
        }),
      );
    }

    new PipelineResources(this, 'pipelines', pipelines, {
      config,
      kafka,
      graph,
      topics,
      ksqldb,
      connect,
      elasticsearch,
      elasticsearchInternalUrl: elasticsearchUrl,
      mariadb,
      paymentsApi,
      hostUrl: (port) => `http://${hostAddress(config)}:${port}`,
    });

    this.outputs(config, kafka, grafanaPassword, needs, Boolean(paymentsApi));
  }

  private outputs(config: LabConfig, kafka: KafkaConnection, grafanaPassword: Password, needs: ReadonlySet<OptionalService>, paymentsApi: boolean): void {
    const host = hostAddress(config);
    const url = (port: number): string => `http://${host}:${port}`;
    const p = config.ports;
    const urls: Record<string, string> = {
      grafana_url: url(p.grafana),
      kafka_ui_url: url(p.kafkaUi),
      ksqldb_url: url(p.ksqldb),
      connect_url: url(p.connect),
      schema_registry_url: url(p.schemaRegistry),
      elasticsearch_url: url(p.elasticsearch),
      ...(needs.has('kibana') ? { kibana_url: url(p.kibana) } : {}),
      ...(needs.has('pinot') ? { pinot_controller_url: url(p.pinotController), pinot_broker_url: url(p.pinotBroker) } : {}),
      ...(paymentsApi ? { payments_api_url: url(p.paymentsApi) } : {}),
    };
    for (const [name, value] of Object.entries(urls)) new TerraformOutput(this, name, { value });
    new TerraformOutput(this, 'kafka_bootstrap_servers', {
      value:
        config.kafka.mode === 'local'
          ? Array.from({ length: config.kafka.brokers }, (_, i) => `${host}:${p.kafka + i}`).join(',')
          : kafka.bootstrapServers,
    });
    new TerraformOutput(this, 'grafana_admin_user', { value: 'admin' });
    new TerraformOutput(this, 'grafana_admin_password', { value: grafanaPassword.result, sensitive: true });
  }
}
