import { Container } from '@cdktf/provider-docker/lib/container';
import { Image } from '@cdktf/provider-docker/lib/image';
import { Network } from '@cdktf/provider-docker/lib/network';
import { Volume } from '@cdktf/provider-docker/lib/volume';
import type { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import { goDuration } from './go-duration';

/** What a container that holds no state gets to stop: enough for Node's shutdown to flush its producer. */
export const DEFAULT_STOP_GRACE_SECONDS = 10;

export interface HealthCheck {
  /** Docker HEALTHCHECK test, e.g. ['CMD-SHELL', 'curl -fsS http://localhost:8088/healthcheck']. */
  readonly test: string[];
  /** Seconds the service may take to start before failures count. */
  readonly startPeriodSeconds: number;
  readonly intervalSeconds?: number;
  readonly retries?: number;
}

export interface PublishedPort {
  readonly container: number;
  readonly host: number;
}

/** What every service container shares: the network, where ports bind, and the name prefix. */
export interface ServiceContext {
  readonly project: string;
  readonly network: Network;
  readonly bindAddress: string;
}

export interface ServiceProps {
  readonly context: ServiceContext;
  /** Host name on the lab network; the container is named `<project>-<hostname>`. */
  readonly hostname: string;
  readonly image: Image;
  readonly memoryMb: number;
  readonly healthCheck: HealthCheck;
  readonly env?: Readonly<Record<string, string>>;
  readonly ports?: readonly PublishedPort[];
  /** Services this one talks to: it is created only once they are healthy. */
  readonly dependsOn?: readonly Service[];
  /** Other resources that must exist first (the topics a producer writes). */
  readonly after?: readonly ITerraformDependable[];
  readonly volumes?: ReadonlyArray<{ readonly name: string; readonly containerPath: string }>;
  /** Files written into the container before it starts (configuration, init scripts). */
  readonly files?: ReadonlyArray<{ readonly path: string; readonly content: string }>;
  readonly command?: string[];
  readonly user?: string;
  /**
   * Seconds Terraform waits for the container to become healthy.
   * @default 180
   */
  readonly waitTimeoutSeconds?: number;
  /**
   * Seconds the service gets to stop cleanly after SIGTERM (on destroy, replacement and
   * `docker stop`) before it is killed. Brokers, databases and stream processors need time to
   * flush and close their logs and state stores; without it the provider kills at once.
   * @default 10
   */
  readonly stopGraceSeconds?: number;
}

/**
 * One platform container: pinned image, health check that Terraform waits on, memory limit
 * without swap, ports published on the configured address only, restart policy, named volumes.
 */
export class Service extends Construct {
  readonly container: Container;
  readonly hostname: string;
  readonly memoryMb: number;

  constructor(scope: Construct, id: string, props: ServiceProps) {
    super(scope, id);
    const { context } = props;
    this.hostname = props.hostname;
    this.memoryMb = props.memoryMb;

    const volumes = (props.volumes ?? []).map((v) => {
      const volume = new Volume(this, `volume-${v.name}`, { name: `${context.project}-${v.name}` });
      volume.overrideLogicalId(v.name);
      return { volumeName: volume.name, containerPath: v.containerPath };
    });

    const hc = props.healthCheck;
    this.container = new Container(this, 'container', {
      name: `${context.project}-${props.hostname}`,
      hostname: props.hostname,
      image: props.image.imageId,
      env: Object.entries(props.env ?? {})
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, v]) => `${k}=${v}`),
      command: props.command,
      user: props.user,
      memory: props.memoryMb,
      memorySwap: props.memoryMb,
      restart: 'unless-stopped',
      destroyGraceSeconds: props.stopGraceSeconds ?? DEFAULT_STOP_GRACE_SECONDS,
      stopTimeout: props.stopGraceSeconds ?? DEFAULT_STOP_GRACE_SECONDS,
      mustRun: true,
      wait: true,
      waitTimeout: props.waitTimeoutSeconds ?? 180,
      healthcheck: {
        test: hc.test,
        interval: goDuration(hc.intervalSeconds ?? 10),
        timeout: goDuration(10),
        retries: hc.retries ?? 30,
        startPeriod: goDuration(hc.startPeriodSeconds),
      },
      networksAdvanced: [{ name: context.network.name, aliases: [props.hostname] }],
      ports: (props.ports ?? []).map((p) => ({ internal: p.container, external: p.host, ip: context.bindAddress })),
      volumes: volumes.length ? volumes : undefined,
      upload: props.files?.map((f) => ({ file: f.path, content: f.content })),
      dependsOn: [...(props.dependsOn ?? []).map((s) => s.container), ...(props.after ?? [])],
    });
    // Readable addresses in plans and snapshots: docker_container.ksqldb, not a hashed path.
    this.container.overrideLogicalId(props.hostname);
  }

  /** host:port on the lab network. */
  address(port: number): string {
    return `${this.hostname}:${port}`;
  }

  url(port: number): string {
    return `http://${this.address(port)}`;
  }
}

/** A health check that succeeds when an HTTP endpoint answers 2xx (curl is in the Confluent, Elastic and Pinot images). */
export function curlCheck(url: string, mustContain?: string): string[] {
  const fetch = `curl -fsS --max-time 8 '${url}'`;
  return ['CMD-SHELL', mustContain ? `${fetch} | grep -q '${mustContain}'` : `${fetch} > /dev/null`];
}

/** For images with busybox wget but no curl (Grafana, Kafka UI). */
export function wgetCheck(url: string): string[] {
  return ['CMD-SHELL', `wget -q -O /dev/null -T 8 '${url}'`];
}
