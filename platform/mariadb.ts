import { Image } from '@cdktf/provider-docker/lib/image';
import { Construct } from 'constructs';
import { mariadbInitSql } from './mariadb-init';
import { Service, type ServiceContext } from './service';

export const MARIADB_PORT = 3306;
export const MOODLE_DATABASE = 'moodle';
/** The user Debezium reads the binlog as. */
export const CDC_USER = 'debezium';
/** The user the moodle_logs generator inserts rows as (created by the image for MARIADB_DATABASE). */
export const APP_USER = 'moodle';

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

/** The CDC source of the moodle pipeline: binlog in ROW format, the log table created at first start. */
export class MariaDb extends Construct {
  readonly service: Service;

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
      ports: [{ container: MARIADB_PORT, host: props.hostPort }],
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
  }
}
