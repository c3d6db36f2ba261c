import { Image } from '@cdktf/provider-docker/lib/image';
import { Network } from '@cdktf/provider-docker/lib/network';
import { DockerProvider } from '@cdktf/provider-docker/lib/provider';
import { Password } from '@cdktf/provider-random/lib/password';
import { RandomProvider } from '@cdktf/provider-random/lib/provider';
import { TerraformOutput, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { envSuffix } from '../config/load';
import type { ImageName, LabConfig, PortName } from '../config/types';
import { PIPELINES } from '../pipelines/catalog';
import { DATASET_SCHEMAS, type DatasetName } from '../pipelines/datasets';
import { DB_URL_ENV } from '../generators/cli-args';
import type { OptionalService, PipelineDecl } from '../pipelines/types';
import { appImage, Generators, PaymentsApi } from '../platform/app';
import { KafkaConnect } from '../platform/connect';
import { Elasticsearch } from '../platform/elasticsearch';
import { ExternalKafka } from '../platform/external-kafka';
import { grafanaProvisioning, HOME_DASHBOARD_PATH } from '../dashboards/provisioning';
import { Grafana, GRAFANA_HOSTNAME } from '../platform/grafana';
import { KafkaBrokers } from '../platform/kafka';
import type { KafkaConnection } from '../platform/kafka-connection';
import { KafkaUi } from '../platform/kafka-ui';
import { Kibana } from '../platform/kibana';
import { KsqlDb } from '../platform/ksqldb';
import { MariaDb } from '../platform/mariadb';
import { Pinot } from '../platform/pinot';
import { SchemaRegistry } from '../platform/schema-registry';
import { reachableHost, type Service, type ServiceContext } from '../platform/service';
import { KafkaProvider } from '../providers/kafka';
import { AuthProxy } from '../platform/auth-proxy';
import { LabTls } from '../platform/lab-tls';
import { useHostLogin } from '../constructs/host-login';
import { validateEnabledPipelineScripts } from '../pipelines/scripts';
import { createPipelineTopics, PipelineResources } from './pipeline-resources';

/** The published ports that serve HTTP; the brokers' port is Kafka's protocol, MariaDB's MySQL's. */
export type HttpPortName = Exclude<PortName, 'kafka' | 'mariadb'>;

/** The stack output holding the URL of a published HTTP port: kafkaUi -> kafka_ui_url. */
export function urlOutputName(port: HttpPortName): string {
  return `${envSuffix(port).toLowerCase()}_url`;
}

/** A dataset whose generator inserts rows into the lab database, from which Debezium produces them. */
function writesToDatabase(dataset: DatasetName): boolean {
  return DATASET_SCHEMAS[dataset].sink.kind === 'database';
}

/** A generated password, kept in state only; URL-safe so it can sit in a connection URL. */
function generatedPassword(scope: Construct, id: string): Password {
  return new Password(scope, id, { length: 24, special: false });
}

/** The person's login (proxy, Kafka SCRAM, Grafana admin) with `authenticated` access. */
export const PERSON_USER = 'lab';
/** The login of the deploying machine's tools: the appliers, the Terraform Kafka provider, the rehearsal. */
export const DEPLOYER_USER = 'lab-deployer';

/** A login whose password is a Terraform expression. */
interface Login {
  readonly user: string;
  readonly password: string;
}

interface AuthenticatedAccess {
  readonly person: Login;
  readonly deployer: Login;
  readonly tls: LabTls;
  readonly proxy: AuthProxy;
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

    const access = config.access === 'authenticated' ? this.authenticatedAccess(network, image('proxy')) : undefined;
    const context: ServiceContext = { project: config.project, network, bindAddress: config.bindAddress, proxy: access?.proxy };

    let kafka: KafkaConnection;
    let hostBootstrapServers: string;
    if (config.kafka.mode === 'local') {
      const brokers = new KafkaBrokers(this, 'kafka', {
        context,
        image: image('kafka'),
        brokers: config.kafka.brokers,
        memoryMb: mem.kafka,
        firstHostPort: ports.kafka,
        advertisedHost: reachableHost(config.bindAddress),
        defaultPartitions: config.kafka.topicPartitions,
        topicPrefix: config.kafka.topicPrefix,
        securedHostListener: access && {
          users: [access.person, access.deployer].map((login) => ({ name: login.user, password: login.password })),
          certificateChainFile: access.tls.serverChainFromStack,
          keyFile: access.tls.serverKeyFromStack,
          material: access.tls.resource,
        },
      });
      kafka = brokers.connection;
      hostBootstrapServers = brokers.hostBootstrapServers;
      this.services.push(...kafka.brokers);
      // Terraform reaches the brokers through their published ports: in plaintext, or over SASL_SSL as the deployer.
      new KafkaProvider(this, 'kafka-provider', {
        bootstrapServers: hostBootstrapServers.split(','),
        tlsEnabled: access !== undefined,
        ...(access
          ? { caCert: access.tls.caFileFromStack, saslMechanism: 'scram-sha512' as const, saslUsername: access.deployer.user, saslPassword: access.deployer.password }
          : {}),
      });
    } else {
      // validateConfig guarantees `external` is present in external mode.
      const external = config.kafka.external!;
      const cluster = new ExternalKafka(this, 'kafka', external, config.kafka.topicPrefix);
      kafka = cluster.connection;
      hostBootstrapServers = kafka.bootstrapServers;
      cluster.provider(this, 'kafka-provider');
    }

    const schemaRegistry = track(
      new SchemaRegistry(this, 'schema-registry', { context, image: image('schemaRegistry'), kafka, memoryMb: mem.schemaRegistry, hostPort: ports.schemaRegistry }),
    );
    const elasticsearch = track(
      new Elasticsearch(this, 'elasticsearch', { context, image: image('elasticsearch'), memoryMb: mem.elasticsearch, hostPort: ports.elasticsearch }),
    );

    // The database runs when an enabled dataset writes rows into it (its schema's sink is a database).
    const datasets = [...new Set(pipelines.flatMap((p) => p.datasets))];
    const mariadb = datasets.some(writesToDatabase)
      ? track(
          new MariaDb(this, 'mariadb', {
            context,
            image: image('mariadb'),
            memoryMb: mem.mariadb,
            hostPort: ports.mariadb,
            appPassword: generatedPassword(this, 'mariadb-app-password').result,
            cdcPassword: generatedPassword(this, 'mariadb-cdc-password').result,
            rootPassword: generatedPassword(this, 'mariadb-root-password').result,
          }),
        )
      : undefined;

    const connect = track(
      new KafkaConnect(this, 'connect', {
        context,
        baseImage: config.images.connectBase,
        kafka,
        memoryMb: mem.connect,
        hostPort: ports.connect,
        // The Debezium source reads the CDC password through Connect's env config provider.
        secretEnv: mariadb?.cdcWorkerEnv,
        dependsOn: [elasticsearch.service, ...(mariadb ? [mariadb.service] : [])],
      }),
    );
    const ksqldb = track(
      new KsqlDb(this, 'ksqldb', { context, image: image('ksqldb'), kafka, schemaRegistry, connect, memoryMb: mem.ksqldb, hostPort: ports.ksqldb }),
    );

    // Parsed and validated once: one error naming file and line for every problem across all enabled scripts.
    const graph = validateEnabledPipelineScripts(pipelines);

    // With authenticated access the person's proxy login is Grafana's admin (the proxy hands it on).
    const grafanaAdmin = access ? access.person : { user: 'admin', password: generatedPassword(this, 'grafana-admin-password').result };
    const grafana = track(
      new Grafana(this, 'grafana', {
        context,
        image: image('grafana'),
        elasticsearch,
        memoryMb: mem.grafana,
        hostPort: ports.grafana,
        adminUser: grafanaAdmin.user,
        adminPassword: grafanaAdmin.password,
        provisioning: grafanaProvisioning(pipelines, graph.byName, elasticsearch.internalUrl).files,
        homeDashboardPath: HOME_DASHBOARD_PATH,
        anonymousViewing: config.grafana.anonymousViewing,
      }),
    );
    const kafkaUi = track(
      new KafkaUi(this, 'kafka-ui', { context, image: image('kafkaUi'), kafka, schemaRegistry, ksqldb, connect, memoryMb: mem.kafkaUi, hostPort: ports.kafkaUi }),
    );
    const kibana = needs.has('kibana')
      ? track(new Kibana(this, 'kibana', { context, image: image('kibana'), elasticsearch, memoryMb: mem.kibana, hostPort: ports.kibana }))
      : undefined;
    const pinot = needs.has('pinot')
      ? track(
          new Pinot(this, 'pinot', {
            context,
            image: image('pinot'),
            kafka,
            memoryMb: mem.pinot,
            controllerHostPort: ports.pinotController,
            brokerHostPort: ports.pinotBroker,
          }),
        )
      : undefined;

    const topics = createPipelineTopics(this, pipelines, graph, config, kafka);
    const app = appImage(this, config.project, config.images.nodeBase);
    const apiDataset = pipelines.find((p) => p.apiProduces)?.apiProduces;
    const paymentsApi = apiDataset
      ? track(
          new PaymentsApi(this, 'payments-api', {
            context,
            image: app,
            kafka,
            schemaRegistry,
            memoryMb: mem.paymentsApi,
            hostPort: ports.paymentsApi,
            topics: topics.forDataset(apiDataset),
          }),
        )
      : undefined;

    // A rate of 0 pauses a dataset: its pipeline is deployed, but the generators leave it out.
    const generated = datasets.filter((dataset) => config.rates[dataset] !== 0);
    // A database dataset's generator inserts rows (Debezium produces them); an API dataset's posts to the API.
    const database = generated.some(writesToDatabase) ? mariadb : undefined;
    const api = apiDataset !== undefined && generated.includes(apiDataset) ? paymentsApi : undefined;
    if (generated.length > 0) {
      track(
        new Generators(this, 'generators', {
          context,
          image: app,
          datasets: generated.map((dataset) => ({
            dataset,
            ratePerSecond: config.rates[dataset],
            extraArgs: [...pipelines.flatMap((p) => p.generatorArgs?.[dataset] ?? []), ...(api && dataset === apiDataset ? ['--via-api', api.internalUrl] : [])],
          })),
          memoryMb: mem.generator,
          kafka,
          topics: generated.filter((dataset) => !writesToDatabase(dataset)).flatMap((dataset) => topics.forDataset(dataset)),
          env: database ? { [DB_URL_ENV]: database.appUrl } : undefined,
          dependsOn: [...(database ? [database.service] : []), ...(api ? [api.service] : [])],
        }),
      );
    }

    if (access) {
      const proxy = access.proxy.start();
      this.services.push(proxy);
      // The appliers reach the services through the proxy, as the deployer, trusting the lab's CA.
      useHostLogin(this, { ...access.deployer, caFileFromRoot: access.tls.caFileFromRoot, ready: [proxy.container, access.tls.resource] });
    }

    new PipelineResources(this, 'pipelines', pipelines, { kafka, graph, topics, ksqldb, connect, elasticsearch, mariadb, paymentsApi, kibana, pinot });

    // One output per published HTTP port, named after it; a service the pipelines do not need has none.
    const urls: Readonly<Record<HttpPortName, string | undefined>> = {
      grafana: grafana.hostUrl,
      kafkaUi: kafkaUi.hostUrl,
      ksqldb: ksqldb.hostUrl,
      connect: connect.hostUrl,
      schemaRegistry: schemaRegistry.hostUrl,
      elasticsearch: elasticsearch.hostUrl,
      kibana: kibana?.hostUrl,
      pinotController: pinot?.controllerHostUrl,
      pinotBroker: pinot?.brokerHostUrl,
      paymentsApi: paymentsApi?.hostUrl,
    };
    for (const [port, value] of Object.entries(urls)) if (value !== undefined) new TerraformOutput(this, urlOutputName(port as HttpPortName), { value });
    new TerraformOutput(this, 'kafka_bootstrap_servers', { value: hostBootstrapServers });
    new TerraformOutput(this, 'grafana_admin_user', { value: grafanaAdmin.user });
    new TerraformOutput(this, 'grafana_admin_password', { value: grafanaAdmin.password, sensitive: true });
    new TerraformOutput(this, 'access', { value: config.access });
    if (access) {
      new TerraformOutput(this, 'lab_user', { value: access.person.user });
      new TerraformOutput(this, 'lab_password', { value: access.person.password, sensitive: true });
      new TerraformOutput(this, 'deployer_user', { value: access.deployer.user });
      new TerraformOutput(this, 'deployer_password', { value: access.deployer.password, sensitive: true });
      // An absolute path for a person's clients, computed by Terraform so that the JSON holds none: the project root is three levels above the stack's directory.
      new TerraformOutput(this, 'ca_cert_file', { value: `\${dirname(dirname(dirname(abspath(path.module))))}/${access.tls.caFileFromRoot}` });
    }
  }

  /**
   * `authenticated` access: the TLS material, the person's and the deployer's logins, and the proxy
   * that publishes every HTTP port (it starts once the services have published through it).
   */
  private authenticatedAccess(network: Network, proxyImage: Image): AuthenticatedAccess {
    const config = this.config;
    const person = { user: PERSON_USER, password: generatedPassword(this, 'lab-password').result };
    const deployer = { user: DEPLOYER_USER, password: generatedPassword(this, 'deployer-password').result };
    // 0.0.0.0 is no name to check a certificate against; ops/tls adds the machine's own addresses.
    const tls = new LabTls(this, 'tls', { project: config.project, hosts: config.bindAddress === '0.0.0.0' ? [] : [config.bindAddress] });
    const proxy = new AuthProxy(this, 'proxy', {
      context: { project: config.project, network, bindAddress: config.bindAddress },
      image: proxyImage,
      memoryMb: config.memoryMb.proxy,
      tls,
      users: [person, deployer].map((login) => ({ name: login.user, password: login.password })),
      passAuthorizationTo: [GRAFANA_HOSTNAME],
    });
    return { person, deployer, tls, proxy };
  }
}
