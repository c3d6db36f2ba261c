import { Image } from '@cdktf/provider-docker/lib/image';
import { Construct } from 'constructs';
import { curlCheck, Service, type ServiceContext } from './service';

export const KIBANA_PORT = 5601;

export interface KibanaProps {
  readonly context: ServiceContext;
  readonly image: Image;
  readonly elasticsearch: Service;
  readonly elasticsearchUrl: string;
  readonly memoryMb: number;
  readonly hostPort: number;
}

export class Kibana extends Construct {
  readonly service: Service;

  constructor(scope: Construct, id: string, props: KibanaProps) {
    super(scope, id);
    this.service = new Service(this, 'service', {
      context: props.context,
      hostname: 'kibana',
      image: props.image,
      memoryMb: props.memoryMb,
      env: {
        ELASTICSEARCH_HOSTS: props.elasticsearchUrl,
        TELEMETRY_OPTIN: 'false',
        // Node's heap must leave room for Kibana's native memory inside the container limit.
        NODE_OPTIONS: `--max-old-space-size=${Math.floor(props.memoryMb * 0.6)}`,
      },
      ports: [{ container: KIBANA_PORT, host: props.hostPort }],
      dependsOn: [props.elasticsearch],
      healthCheck: {
        test: curlCheck(`http://localhost:${KIBANA_PORT}/api/status`, '"level":"available"'),
        startPeriodSeconds: 120,
      },
      waitTimeoutSeconds: 600,
    });
  }
}
