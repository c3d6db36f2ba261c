import { Container } from '@cdktf/provider-docker/lib/container';
import { Image } from '@cdktf/provider-docker/lib/image';
import { Network } from '@cdktf/provider-docker/lib/network';
import { Volume } from '@cdktf/provider-docker/lib/volume';
import type { ITerraformDependable, TerraformResource } from 'cdktf';
import { Construct } from 'constructs';
import { goDuration } from './go-duration';

/** What a container that holds no state gets to stop: enough for Node's shutdown to flush its producer. */
export const DEFAULT_STOP_GRACE_SECONDS = 10;

export interface HealthCheck {
  /** Docker HEALTHCHECK test, e.g. ['CMD-SHELL', 'curl -fsS http://localhost:8088/healthcheck']. */
  readonly test: string[];
  /** Seconds the service may take to start before failures count. */
  readonly startPeriodSeconds: number;
  /**
   * Seconds between two checks.
   * @default 10
   */
  readonly intervalSeconds?: number;
  /**
   * Failed checks in a row (after the start period) that make the container unhealthy.
   * @default 30
   */
  readonly retries?: number;
}

/**
 * What a published port speaks, which decides how `authenticated` access publishes it: `http`
 * ports go behind the authenticating TLS proxy; `secured` ones log clients in over TLS themselves
 * (Kafka's SASL_SSL host listener); `unsecured` ones are not published at all.
 */
export type PortProtocol = 'http' | 'secured' | 'unsecured';

export interface PublishedPort {
  readonly container: number;
  readonly host: number;
  readonly protocol: PortProtocol;
}

/** One HTTP port the authenticating proxy publishes for a service on the lab network. */
export interface ProxiedPort {
  /** The service's host name on the lab network, e.g. ksqldb. */
  readonly hostname: string;
  readonly containerPort: number;
  readonly hostPort: number;
}

/** The authenticating TLS proxy as services see it: it publishes their HTTP ports for them. */
export interface HttpPortRouter {
  publish(port: ProxiedPort): void;
}

/** What every service container shares: the network, where ports bind, and the name prefix. */
export interface ServiceContext {
  readonly project: string;
  readonly network: Network;
  /** The host address ports are published on; 0.0.0.0 publishes them on every interface. */
  readonly bindAddress: string;
  /**
   * The proxy of `authenticated` access, which publishes every `http` port over TLS with a login
   * (and `unsecured` ports are then not published); without one (`open` access) every port is
   * published by its own container.
   * @default none: open access
   */
  readonly proxy?: HttpPortRouter;
}

/** Where an HTTP service of the lab answers; the platform constructs with a REST API have both. */
export interface HttpEndpoints {
  /** On the lab network, as other containers reach it, e.g. http://ksqldb:8088. */
  readonly internalUrl: string;
  /** At its published port, as the machine running `cdktf deploy` reaches it, e.g. http://127.0.0.1:8088. */
  readonly hostUrl: string;
}

/**
 * The address the deploying machine reaches a published port at: the bind address itself, or
 * 127.0.0.1 when ports are published on every interface (0.0.0.0 is no address to connect to).
 */
export function reachableHost(bindAddress: string): string {
  return bindAddress === '0.0.0.0' ? '127.0.0.1' : bindAddress;
}

/** A file written into a container: its content, or a file of the deploying machine. */
export type ServiceFile = { readonly path: string; readonly content: string } | { readonly path: string; readonly sourceFile: string };

export interface ServiceProps {
  readonly context: ServiceContext;
  /** Host name on the lab network; the container is named `<project>-<hostname>`. */
  readonly hostname: string;
  readonly image: Image;
  readonly memoryMb: number;
  readonly healthCheck: HealthCheck;
  /**
   * Environment variables, written sorted by name so that their order never shows as a change.
   * @default none
   */
  readonly env?: Readonly<Record<string, string>>;
  /**
   * Container ports published on the context's bind address.
   * @default none: the service is reached on the lab network only
   */
  readonly ports?: readonly PublishedPort[];
  /**
   * Services this one talks to: it is created only once they are healthy.
   * @default none
   */
  readonly dependsOn?: readonly Service[];
  /**
   * Other resources that must exist first (the topics a producer writes).
   * @default none
   */
  readonly after?: readonly ITerraformDependable[];
  /**
   * Named volumes, each `<project>-<name>`, mounted at their container path.
   * @default none: the container keeps no data across a replacement
   */
  readonly volumes?: ReadonlyArray<{ readonly name: string; readonly containerPath: string }>;
  /**
   * Files written into the container before it starts: configuration and init scripts given as
   * content, or files of the deploying machine (`sourceFile`, a path Terraform reads at create time,
   * so that a private key never sits in the synthesized JSON or the state).
   * @default none
   */
  readonly files?: ReadonlyArray<ServiceFile>;
  /**
   * Resources whose replacement replaces this container (the TLS material its files come from).
   * @default none
   */
  readonly replaceWith?: readonly TerraformResource[];
  /**
   * Arguments that replace the image's CMD.
   * @default the image's CMD
   */
  readonly command?: string[];
  /**
   * User the container runs as.
   * @default the image's USER
   */
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
  /** The ports the deploying machine reaches, by this container or by the proxy. */
  private readonly published: readonly PublishedPort[];
  private readonly reachableHost: string;
  private readonly proxied: boolean;

  constructor(scope: Construct, id: string, props: ServiceProps) {
    super(scope, id);
    const { context } = props;
    this.hostname = props.hostname;
    this.memoryMb = props.memoryMb;
    const proxy = context.proxy;
    this.proxied = proxy !== undefined;
    // Behind the proxy, HTTP ports are the proxy's to publish and a port without a login of its own is not published.
    this.published = (props.ports ?? []).filter((p) => !proxy || p.protocol !== 'unsecured');
    const ownPorts = this.published.filter((p) => !proxy || p.protocol === 'secured');
    for (const p of this.published) if (proxy && p.protocol === 'http') proxy.publish({ hostname: props.hostname, containerPort: p.container, hostPort: p.host });
    this.reachableHost = reachableHost(context.bindAddress);

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
      ports: ownPorts.map((p) => ({ internal: p.container, external: p.host, ip: context.bindAddress })),
      volumes: volumes.length ? volumes : undefined,
      upload: props.files?.map((f) => ('content' in f ? { file: f.path, content: f.content } : { file: f.path, source: f.sourceFile })),
      // Terraform's JSON syntax wants bare addresses here, not "${...}" interpolations.
      lifecycle: props.replaceWith?.length ? { replaceTriggeredBy: props.replaceWith.map((r) => `${r.terraformResourceType}.${r.friendlyUniqueId}`) } : undefined,
      dependsOn: [...(props.dependsOn ?? []).map((s) => s.container), ...(props.after ?? [])],
    });
    // Readable addresses in plans and snapshots: docker_container.ksqldb, not a hashed path.
    this.container.overrideLogicalId(props.hostname);
  }

  /** host:port of a container port on the lab network, e.g. ksqldb:8088. */
  address(port: number): string {
    return `${this.hostname}:${port}`;
  }

  /** http://host:port of a container port on the lab network, e.g. http://ksqldb:8088. */
  url(port: number): string {
    return `http://${this.address(port)}`;
  }

  /** Whether the deploying machine reaches this container port (published by the container or the proxy). */
  publishes(containerPort: number): boolean {
    return this.published.some((p) => p.container === containerPort);
  }

  /** host:port at which the deploying machine reaches a published container port, e.g. 127.0.0.1:8088. */
  hostAddress(containerPort: number): string {
    const port = this.published.find((p) => p.container === containerPort);
    if (!port) {
      const published = this.published.map((p) => p.container).join(', ') || 'none';
      throw new Error(`${this.hostname} does not publish container port ${containerPort} (it publishes: ${published})`);
    }
    return `${this.reachableHost}:${port.host}`;
  }

  /**
   * The URL at which the deploying machine reaches a published HTTP port: http://127.0.0.1:8088, or
   * https://127.0.0.1:8088 when the authenticating proxy publishes it.
   */
  hostUrl(containerPort: number): string {
    return `${this.proxied ? 'https' : 'http'}://${this.hostAddress(containerPort)}`;
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
