import { Image } from '@cdktf/provider-docker/lib/image';
import { Construct } from 'constructs';
import type { LabTls } from './lab-tls';
import {
  DOCKER_DNS_RESOLVER,
  nginxUsersFile,
  PROXY_CERT_FILE,
  PROXY_COMMAND,
  PROXY_CONFIG_FILE,
  PROXY_HEALTH_PORT,
  PROXY_KEY_FILE,
  PROXY_USERS_FILE,
  proxyHealthCheck,
  renderNginxConfig,
  type ProxyUser,
} from './proxy-config';
import { Service, type HttpPortRouter, type ProxiedPort, type ServiceContext } from './service';

export interface AuthProxyProps {
  /** The context the proxy itself runs in: it publishes its ports directly. */
  readonly context: Omit<ServiceContext, 'proxy'>;
  readonly image: Image;
  readonly memoryMb: number;
  readonly tls: LabTls;
  /** Who may log in, passwords as Terraform expressions. */
  readonly users: readonly ProxyUser[];
  /** Services (host names) that get the person's Authorization header: their own login is the person's. */
  readonly passAuthorizationTo: readonly string[];
}

/**
 * The one authenticating TLS proxy of `authenticated` access. Services publish their HTTP ports
 * through it (`publish`, as the HttpPortRouter of their context) while the stack builds them; then
 * `start()` creates the container with every route. nginx resolves the services' names at request
 * time, so the proxy needs none of them running to start.
 */
export class AuthProxy extends Construct implements HttpPortRouter {
  private readonly routes: ProxiedPort[] = [];
  private started?: Service;

  constructor(scope: Construct, id: string, private readonly props: AuthProxyProps) {
    super(scope, id);
  }

  publish(port: ProxiedPort): void {
    if (this.started) throw new Error(`the proxy already runs: ${port.hostname}:${port.containerPort} came too late to be published`);
    this.routes.push(port);
  }

  /** The proxy container, with a route for each port published so far. */
  start(): Service {
    if (this.started) return this.started;
    const { props } = this;
    const routes = this.routes.map((p) => ({
      name: `${p.hostname}-${p.containerPort}`,
      // The configured host port, which the configuration keeps unique; container ports may repeat (Pinot's broker and the payments API both use 8000).
      listenPort: p.hostPort,
      upstream: `http://${p.hostname}:${p.containerPort}`,
      passAuthorization: props.passAuthorizationTo.includes(p.hostname),
    }));
    const config = renderNginxConfig({
      routes,
      certFile: PROXY_CERT_FILE,
      keyFile: PROXY_KEY_FILE,
      usersFile: PROXY_USERS_FILE,
      healthPort: PROXY_HEALTH_PORT,
      resolver: DOCKER_DNS_RESOLVER,
    });
    this.started = new Service(this, 'service', {
      context: props.context,
      hostname: 'proxy',
      image: props.image,
      memoryMb: props.memoryMb,
      command: [...PROXY_COMMAND],
      ports: this.routes.map((p) => ({ container: p.hostPort, host: p.hostPort, protocol: 'secured' as const })),
      files: [
        { path: PROXY_CONFIG_FILE, content: config },
        { path: PROXY_USERS_FILE, content: nginxUsersFile(props.users) },
        { path: PROXY_CERT_FILE, sourceFile: props.tls.serverChainFromStack },
        { path: PROXY_KEY_FILE, sourceFile: props.tls.serverKeyFromStack },
      ],
      after: [props.tls.resource],
      replaceWith: [props.tls.resource],
      healthCheck: { test: proxyHealthCheck(PROXY_HEALTH_PORT), startPeriodSeconds: 5, intervalSeconds: 5 },
    });
    return this.started;
  }
}
