import { Image } from '@cdktf/provider-docker/lib/image';
import { Construct } from 'constructs';
import { heapOpts } from './jvm';
import { curlCheck, Service, type HttpEndpoints, type ServiceContext } from './service';

export const ELASTICSEARCH_PORT = 9200;

export interface ElasticsearchProps {
  readonly context: ServiceContext;
  readonly image: Image;
  readonly memoryMb: number;
  readonly hostPort: number;
}

/**
 * A single-node cluster. Security is off: the port is published on the bind address only
 * (127.0.0.1 by default) and the lab holds generated data; see README "Security".
 */
export class Elasticsearch extends Construct implements HttpEndpoints {
  readonly service: Service;
  /** Elasticsearch on the lab network, e.g. http://elasticsearch:9200. */
  readonly internalUrl: string;
  /** Elasticsearch at its published port, e.g. http://127.0.0.1:9200. */
  readonly hostUrl: string;

  constructor(scope: Construct, id: string, props: ElasticsearchProps) {
    super(scope, id);
    this.service = new Service(this, 'service', {
      context: props.context,
      hostname: 'elasticsearch',
      image: props.image,
      memoryMb: props.memoryMb,
      env: {
        'discovery.type': 'single-node',
        'xpack.security.enabled': 'false',
        // Laptop disks are often above the default 90% watermark, which would block every index.
        'cluster.routing.allocation.disk.threshold_enabled': 'false',
        ES_JAVA_OPTS: heapOpts(props.memoryMb, 'elasticsearch'),
      },
      ports: [{ container: ELASTICSEARCH_PORT, host: props.hostPort, protocol: 'http' }],
      volumes: [{ name: 'elasticsearch-data', containerPath: '/usr/share/elasticsearch/data' }],
      healthCheck: {
        test: curlCheck(`http://localhost:${ELASTICSEARCH_PORT}/_cluster/health?wait_for_status=yellow&timeout=5s`),
        startPeriodSeconds: 60,
      },
      waitTimeoutSeconds: 300,
      // Flushes translogs and closes shards; a killed node replays its translog on the next start.
      stopGraceSeconds: 60,
    });
    this.internalUrl = this.service.url(ELASTICSEARCH_PORT);
    this.hostUrl = this.service.hostUrl(ELASTICSEARCH_PORT);
  }
}
