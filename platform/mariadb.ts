import { Image } from '@cdktf/provider-docker/lib/image';
import { Construct } from 'constructs';
import type { CdcDatabase } from '../payloads/debezium-source';
import { mariadbInitSql } from './mariadb-init';
import { Service, type ServiceContext } from './service';

export const MARIADB_PORT = 3306;
export const MOODLE_DATABASE = 'moodle';
/** The user Debezium reads the binlog as. */
export const CDC_USER = 'debezium';
/** The user the moodle_logs generator inserts rows as (created by the image for MARIADB_DATABASE). */
export const APP_USER = 'moodle';
/**
 * The Connect worker's environment variable that holds the CDC user's password: connector configs
 * name it (`${env:...}`), so the value stays out of Terraform's JSON and Connect's topics.
 */
export const CDC_PASSWORD_ENV = 'MOODLE_CDC_PASSWORD';

export interface MariaDbProps {
  readonly context: ServiceContext;
  readonly image: Image;
  readonly memoryMb: number;
  readonly hostPort: number;
  /** Terraform expressions of generated passwords; never literals. */
  readonly rootPassword: string;
  readonly appPassword: string;
  readonly cdcPassword: string;
}

/**
 * The database that datasets with a database sink write rows into, and the CDC source Debezium
 * reads them from: binlog in ROW format, the log table created at first start.
 */
export class MariaDb extends Construct {
  readonly service: Service;
  /** host:port on the lab network, e.g. mariadb:3306. */
  readonly internalAddress: string;
  /**
   * host:port at the published port, e.g. 127.0.0.1:3306; undefined with `authenticated` access,
   * which does not publish it (the MySQL protocol here has no TLS).
   */
  readonly hostAddress: string | undefined;
  /** mysql://user:password@mariadb:3306/moodle: where a generator on the lab network inserts rows (the password a Terraform expression). */
  readonly appUrl: string;
  /** The database as a Debezium source on the Connect worker reaches it; the password comes from the worker's environment. */
  readonly cdcSource: CdcDatabase;
  /** The environment the Connect worker needs for `cdcSource`: the CDC password under CDC_PASSWORD_ENV. */
  readonly cdcWorkerEnv: Readonly<Record<string, string>>;

  constructor(scope: Construct, id: string, props: MariaDbProps) {
    super(scope, id);
    this.service = new Service(this, 'service', {
      context: props.context,
      hostname: 'mariadb',
      image: props.image,
      memoryMb: props.memoryMb,
      command: [
        '--log-bin=mariadb-bin',
        '--binlog-format=ROW',
        '--binlog-row-image=FULL',
        '--server-id=1',
        '--innodb-buffer-pool-size=64M',
      ],
      env: {
        MARIADB_ROOT_PASSWORD: props.rootPassword,
        MARIADB_DATABASE: MOODLE_DATABASE,
        MARIADB_USER: APP_USER,
        MARIADB_PASSWORD: props.appPassword,
      },
      ports: [{ container: MARIADB_PORT, host: props.hostPort, protocol: 'unsecured' }],
      volumes: [{ name: 'mariadb-data', containerPath: '/var/lib/mysql' }],
      files: [
        {
          path: '/docker-entrypoint-initdb.d/10-moodle.sql',
          content: mariadbInitSql({ cdcUser: CDC_USER, cdcPassword: props.cdcPassword }),
        },
      ],
      healthCheck: { test: ['CMD', 'healthcheck.sh', '--connect', '--innodb_initialized'], startPeriodSeconds: 30 },
      // InnoDB flushes its buffer pool and closes the binlog the CDC connector reads.
      stopGraceSeconds: 30,
    });
    this.internalAddress = this.service.address(MARIADB_PORT);
    this.hostAddress = this.service.publishes(MARIADB_PORT) ? this.service.hostAddress(MARIADB_PORT) : undefined;
    this.appUrl = `mysql://${APP_USER}:${props.appPassword}@${this.internalAddress}/${MOODLE_DATABASE}`;
    this.cdcSource = { host: this.service.hostname, port: MARIADB_PORT, user: CDC_USER, passwordEnvVar: CDC_PASSWORD_ENV, name: MOODLE_DATABASE };
    this.cdcWorkerEnv = { [CDC_PASSWORD_ENV]: props.cdcPassword };
  }
}
