import { Image } from '@cdktf/provider-docker/lib/image';
import { Construct } from 'constructs';
import type { Elasticsearch } from './elasticsearch';
import { curlCheck, Service, type HttpEndpoints, type ServiceContext } from './service';

export const KIBANA_PORT = 5601;

export interface KibanaProps {
  readonly context: ServiceContext;
  readonly image: Image;
  readonly elasticsearch: Elasticsearch;
  readonly memoryMb: number;
  readonly hostPort: number;
}

/** Kibana over the lab's Elasticsearch. */
export class Kibana extends Construct implements HttpEndpoints {
  readonly service: Service;
  /** Kibana on the lab network, e.g. http://kibana:5601. */
  readonly internalUrl: string;
  /** Kibana at its published port, e.g. http://127.0.0.1:5601. */
  readonly hostUrl: string;

  constructor(scope: Construct, id: string, props: KibanaProps) {
    super(scope, id);
    this.service = new Service(this, 'service', {
      context: props.context,
      hostname: 'kibana',
      image: props.image,
      memoryMb: props.memoryMb,
      env: {
        ELASTICSEARCH_HOSTS: props.elasticsearch.internalUrl,
        TELEMETRY_OPTIN: 'false',
        // Node's heap must leave room for Kibana's native memory inside the container limit.
        NODE_OPTIONS: `--max-old-space-size=${Math.floor(props.memoryMb * 0.6)}`,
      },
      ports: [{ container: KIBANA_PORT, host: props.hostPort, protocol: 'http' }],
      dependsOn: [props.elasticsearch.service],
      healthCheck: {
        test: curlCheck(`http://localhost:${KIBANA_PORT}/api/status`, '"level":"available"'),
        startPeriodSeconds: 120,
      },
      waitTimeoutSeconds: 600,
    });
    this.internalUrl = this.service.url(KIBANA_PORT);
    this.hostUrl = this.service.hostUrl(KIBANA_PORT);
  }
}
