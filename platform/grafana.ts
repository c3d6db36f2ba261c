import { Image } from '@cdktf/provider-docker/lib/image';
import { Construct } from 'constructs';
import type { Elasticsearch } from './elasticsearch';
import { Service, wgetCheck, type ServiceContext } from './service';

export const GRAFANA_PORT = 3000;
/** Its name on the lab network. */
export const GRAFANA_HOSTNAME = 'grafana';

export interface GrafanaProps {
  readonly context: ServiceContext;
  readonly image: Image;
  /** The data source of the dashboards: Grafana starts once it is healthy. */
  readonly elasticsearch: Elasticsearch;
  readonly memoryMb: number;
  readonly hostPort: number;
  /**
   * The admin's user name: `admin`, or with `authenticated` access the person's proxy login, so that
   * the credentials the browser sends through the proxy log the person in to Grafana too.
   * @default 'admin'
   */
  readonly adminUser?: string;
  /** The admin password as a Terraform expression (a random_password result), never a literal. */
  readonly adminPassword: string;
  /**
   * Provisioning files (datasources, dashboards) written into the container.
   * @default none
   */
  readonly provisioning?: ReadonlyArray<{ readonly path: string; readonly content: string }>;
  /**
   * The dashboard file (a path inside the container) shown as everyone's home page.
   * @default Grafana's own home page
   */
  readonly homeDashboardPath?: string;
  /**
   * Anonymous visitors see the dashboards read-only (the Viewer role of the default organization).
   * @default false
   */
  readonly anonymousViewing?: boolean;
}

/** Grafana with a generated admin password and sign-up off; anonymous viewing as configured. */
export class Grafana extends Construct {
  readonly service: Service;
  /** Grafana at its published port, e.g. http://127.0.0.1:3000. */
  readonly hostUrl: string;

  constructor(scope: Construct, id: string, props: GrafanaProps) {
    super(scope, id);
    this.service = new Service(this, 'service', {
      context: props.context,
      hostname: GRAFANA_HOSTNAME,
      image: props.image,
      memoryMb: props.memoryMb,
      env: {
        GF_SECURITY_ADMIN_USER: props.adminUser ?? 'admin',
        GF_SECURITY_ADMIN_PASSWORD: props.adminPassword,
        GF_USERS_ALLOW_SIGN_UP: 'false',
        GF_AUTH_ANONYMOUS_ENABLED: props.anonymousViewing ? 'true' : 'false',
        ...(props.anonymousViewing ? { GF_AUTH_ANONYMOUS_ORG_ROLE: 'Viewer' } : {}),
        ...(props.homeDashboardPath ? { GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH: props.homeDashboardPath } : {}),
        GF_ANALYTICS_REPORTING_ENABLED: 'false',
        GF_ANALYTICS_CHECK_FOR_UPDATES: 'false',
      },
      ports: [{ container: GRAFANA_PORT, host: props.hostPort, protocol: 'http' }],
      volumes: [{ name: 'grafana-data', containerPath: '/var/lib/grafana' }],
      files: props.provisioning,
      dependsOn: [props.elasticsearch.service],
      healthCheck: { test: wgetCheck(`http://localhost:${GRAFANA_PORT}/api/health`), startPeriodSeconds: 20 },
    });
    this.hostUrl = this.service.hostUrl(GRAFANA_PORT);
  }
}
