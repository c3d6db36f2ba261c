import { Image } from '@cdktf/provider-docker/lib/image';
import { Construct } from 'constructs';
import type { KafkaConnection } from './kafka-connection';
import { heapOpts } from './jvm';
import { curlCheck, Service, type ServiceContext } from './service';

export const PINOT_CONTROLLER_PORT = 9000;
/** The broker port of Pinot's single-process quick start. */
export const PINOT_BROKER_PORT = 8000;

export interface PinotProps {
  readonly context: ServiceContext;
  readonly image: Image;
  readonly kafka: KafkaConnection;
  readonly memoryMb: number;
  readonly controllerHostPort: number;
  readonly brokerHostPort: number;
}

/**
 * Apache Pinot's controller, broker, server and embedded ZooKeeper in one container (the quick
 * start's EMPTY cluster). Its metadata lives inside the container: a replaced container starts
 * empty, and the stack re-applies the schema and table on the next deploy.
 */
export class Pinot extends Construct {
  readonly service: Service;
  /** The controller's REST API (schemas, tables) on the lab network, e.g. http://pinot:9000. */
  readonly controllerInternalUrl: string;
  /** The controller's REST API at its published port, e.g. http://127.0.0.1:9000. */
  readonly controllerHostUrl: string;
  /** The broker's query API on the lab network, e.g. http://pinot:8000. */
  readonly brokerInternalUrl: string;
  /** The broker's query API at its published port, e.g. http://127.0.0.1:8099. */
  readonly brokerHostUrl: string;

  constructor(scope: Construct, id: string, props: PinotProps) {
    super(scope, id);
    this.service = new Service(this, 'service', {
      context: props.context,
      hostname: 'pinot',
      image: props.image,
      memoryMb: props.memoryMb,
      command: ['QuickStart', '-type', 'EMPTY'],
      env: { JAVA_OPTS: `${heapOpts(props.memoryMb, 'pinot')} -XX:+UseG1GC` },
      ports: [
        { container: PINOT_CONTROLLER_PORT, host: props.controllerHostPort, protocol: 'http' },
        { container: PINOT_BROKER_PORT, host: props.brokerHostPort, protocol: 'http' },
      ],
      // Realtime tables consume from Kafka: the brokers must be up before a table is added.
      dependsOn: props.kafka.brokers,
      after: props.kafka.accessGranted,
      healthCheck: { test: curlCheck(`http://localhost:${PINOT_CONTROLLER_PORT}/health`), startPeriodSeconds: 90 },
      waitTimeoutSeconds: 420,
      // The server commits its consuming segments' offsets before it stops.
      stopGraceSeconds: 30,
    });
    this.controllerInternalUrl = this.service.url(PINOT_CONTROLLER_PORT);
    this.controllerHostUrl = this.service.hostUrl(PINOT_CONTROLLER_PORT);
    this.brokerInternalUrl = this.service.url(PINOT_BROKER_PORT);
    this.brokerHostUrl = this.service.hostUrl(PINOT_BROKER_PORT);
  }
}
