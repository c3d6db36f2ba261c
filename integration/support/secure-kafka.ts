import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type Admin,
  AclOperationTypes,
  AclPermissionTypes,
  AclResourceTypes,
  Kafka,
  type KafkaConfig,
  logLevel,
  ResourcePatternTypes,
  type SASLOptions,
} from 'kafkajs';
import type { AclGrant } from '../../platform/service-acls';
import { kafkaJavaArgs, runKafkaTool, writeLog4jConfig } from './jvm';
import { type LocalKafka, type StartKafkaOptions, startKafka } from './kafka';
import { removeAtExit } from './service-process';
import { generateTls, type TlsMaterial } from './tls';

/** A SASL login. */
export interface SaslUser {
  readonly username: string;
  readonly password: string;
}

/** The SASL mechanisms the secured broker accepts, in Kafka's spelling. */
export const SECURE_BROKER_MECHANISMS = ['SCRAM-SHA-512', 'SCRAM-SHA-256', 'PLAIN'] as const;
export type SecureBrokerMechanism = (typeof SECURE_BROKER_MECHANISMS)[number];

/** A broker whose only client listeners are SASL_SSL, with the standard authorizer on. */
export interface SecureKafka extends LocalKafka {
  readonly tls: TlsMaterial;
  /** The harness's super user (SCRAM-SHA-512; also a PLAIN user). Tests give other principals only ACLs. */
  readonly superUser: SaslUser;
  /** kafkajs TLS and SASL settings for `user` (the CA is trusted, hostnames are verified). */
  clientSecurity(user: SaslUser, mechanism?: SecureBrokerMechanism): Pick<KafkaConfig, 'ssl' | 'sasl'>;
  /** A kafkajs admin client of the super user; the caller connects and disconnects it. */
  superAdmin(): Admin;
  /** Creates SCRAM-SHA-256 and SCRAM-SHA-512 credentials for `user` through the Kafka admin API. */
  createScramUser(user: SaslUser): Promise<void>;
  /** Grants `principal` (User:name) the stack's ACL grants, as an administrator would by hand. */
  grantAcls(principal: string, grants: readonly AclGrant[]): Promise<void>;
}

/** The provider's spelling (DescribeConfigs, TransactionalID) as kafkajs' enum key (DESCRIBE_CONFIGS, TRANSACTIONAL_ID). */
function enumValue<T extends Record<string, string | number>>(table: T, what: string, name: string): number {
  const key = name.replace(/([a-z])([A-Z])/g, '$1_$2').toUpperCase();
  const value = table[key];
  if (typeof value !== 'number') throw new Error(`kafkajs has no ${what} ${key} (from ${name})`);
  return value;
}

export interface StartSecureKafkaOptions extends Omit<StartKafkaOptions, 'security'> {
  /**
   * PLAIN users. The broker checks PLAIN logins against its own JAAS configuration, which is read
   * at start, so these cannot be added later (SCRAM users can: createScramUser).
   */
  readonly plainUsers?: readonly SaslUser[];
}

const KAFKAJS_MECHANISM = {
  'SCRAM-SHA-512': 'scram-sha-512',
  'SCRAM-SHA-256': 'scram-sha-256',
  PLAIN: 'plain',
} as const;

const SCRAM_MODULE = 'org.apache.kafka.common.security.scram.ScramLoginModule';
const PLAIN_MODULE = 'org.apache.kafka.common.security.plain.PlainLoginModule';

/** A random password; hex so that it needs no quoting in a JAAS line or a kafka-configs argument. */
export const randomPassword = (): string => randomBytes(16).toString('hex');

const jaas = (module: string, user: SaslUser, extra = ''): string =>
  `${module} required username="${user.username}" password="${user.password}"${extra};`;

/**
 * server.properties of the secured broker. The controller listener (127.0.0.1, never advertised)
 * takes only clients that present the broker's own certificate, so the one principal it sees is
 * the broker's; the super users are that principal and the harness's admin.
 */
function securityProperties(tls: TlsMaterial, admin: SaslUser, plainUsers: readonly SaslUser[], saslListeners: readonly string[]): Record<string, string> {
  const plainEntries = [admin, ...plainUsers].map((u) => ` user_${u.username}="${u.password}"`).join('');
  const perListener = saslListeners.flatMap((listener) => {
    const prefix = `listener.name.${listener.toLowerCase()}`;
    return [
      // The SCRAM lines also carry the login the broker itself uses on its inter-broker listener.
      [`${prefix}.scram-sha-512.sasl.jaas.config`, jaas(SCRAM_MODULE, admin)],
      [`${prefix}.scram-sha-256.sasl.jaas.config`, jaas(SCRAM_MODULE, admin)],
      [`${prefix}.plain.sasl.jaas.config`, jaas(PLAIN_MODULE, admin, plainEntries)],
    ];
  });
  return {
    'ssl.keystore.type': 'PKCS12',
    'ssl.keystore.location': tls.keystoreFile,
    'ssl.keystore.password': tls.keystorePassword,
    'ssl.key.password': tls.keystorePassword,
    'ssl.truststore.type': 'PEM',
    'ssl.truststore.location': tls.caFile,
    'listener.name.controller.ssl.client.auth': 'required',
    'sasl.enabled.mechanisms': SECURE_BROKER_MECHANISMS.join(','),
    'sasl.mechanism.inter.broker.protocol': 'SCRAM-SHA-512',
    ...Object.fromEntries(perListener),
    'authorizer.class.name': 'org.apache.kafka.metadata.authorizer.StandardAuthorizer',
    'super.users': `User:${admin.username};${tls.brokerPrincipal}`,
    'allow.everyone.if.no.acl.found': 'false',
  };
}

/**
 * Starts a single-node Kafka 3.9.1 whose client listeners are SASL_SSL only (SCRAM-SHA-512,
 * SCRAM-SHA-256, PLAIN), with a CA and broker certificate generated for this run and the
 * StandardAuthorizer on. The super user's SCRAM credential is written at storage format time, as
 * the broker needs it before it can serve the admin API; later users go through the admin API.
 */
export async function startSecureKafka(options: StartSecureKafkaOptions = {}): Promise<SecureKafka> {
  const dir = mkdtempSync(join(tmpdir(), 'lab-kafka-tls-'));
  removeAtExit(dir);
  const tls = generateTls(dir, ['127.0.0.1', 'localhost', ...(options.containerHost ? [options.containerHost] : [])]);
  const superUser: SaslUser = { username: 'harness-admin', password: randomPassword() };
  const { plainUsers = [], ...kafkaOptions } = options;
  const clientSecurity = (user: SaslUser, mechanism: SecureBrokerMechanism = 'SCRAM-SHA-512'): Pick<KafkaConfig, 'ssl' | 'sasl'> => ({
    ssl: { ca: [tls.caPem] },
    sasl: { mechanism: KAFKAJS_MECHANISM[mechanism], username: user.username, password: user.password } as SASLOptions,
  });
  const saslListeners = ['SASL_SSL', ...(options.containerHost ? ['CONTAINERS'] : [])];

  const broker = await startKafka({
    ...kafkaOptions,
    security: {
      properties: securityProperties(tls, superUser, plainUsers, saslListeners),
      formatArgs: ['--add-scram', `SCRAM-SHA-512=[name=${superUser.username},password=${superUser.password}]`],
      client: clientSecurity(superUser),
    },
  });

  const adminProperties = join(dir, 'harness-admin.properties');
  writeFileSync(
    adminProperties,
    Object.entries({
      'security.protocol': 'SASL_SSL',
      'sasl.mechanism': 'SCRAM-SHA-512',
      'sasl.jaas.config': jaas(SCRAM_MODULE, superUser),
      'ssl.truststore.type': 'PEM',
      'ssl.truststore.location': tls.caFile,
    })
      .map(([k, v]) => `${k}=${v}`)
      .join('\n'),
  );
  const log4jFile = writeLog4jConfig(dir);
  const superAdmin = (): Admin =>
    new Kafka({ ...clientSecurity(superUser), clientId: 'harness-admin', brokers: [broker.bootstrap], logLevel: logLevel.NOTHING }).admin();

  return {
    ...broker,
    tls,
    superUser,
    clientSecurity,
    superAdmin,
    async grantAcls(principal, grants) {
      const admin = superAdmin();
      await admin.connect();
      try {
        await admin.createAcls({
          acl: grants.flatMap((g) =>
            g.operations.map((operation) => ({
              resourceType: enumValue(AclResourceTypes, 'resource type', g.resourceType),
              resourceName: g.resourceName,
              resourcePatternType: enumValue(ResourcePatternTypes, 'pattern type', g.patternType),
              principal,
              host: '*',
              operation: enumValue(AclOperationTypes, 'operation', operation),
              permissionType: AclPermissionTypes.ALLOW,
            })),
          ),
        });
      } finally {
        await admin.disconnect();
      }
    },
    async createScramUser(user) {
      // kafkajs has no AlterUserScramCredentials; Kafka's own kafka-configs tool calls it, one
      // mechanism per call (3.9 sends both in one request as two alterations of the user, which the broker refuses).
      for (const mechanism of ['SCRAM-SHA-256', 'SCRAM-SHA-512']) {
        runKafkaTool(
          `kafka-configs: ${mechanism} credential of ${user.username}`,
          kafkaJavaArgs({
            heapMb: 128,
            log4jFile,
            mainClass: 'kafka.admin.ConfigCommand',
            args: [
              '--bootstrap-server', broker.bootstrap, '--command-config', adminProperties, '--alter',
              '--entity-type', 'users', '--entity-name', user.username, '--add-config', `${mechanism}=[password=${user.password}]`,
            ],
          }),
        );
      }
      // The credential reaches the broker through the metadata log; wait until a login succeeds.
      const probe = new Kafka({ ...clientSecurity(user), clientId: 'scram-probe', brokers: [broker.bootstrap], logLevel: logLevel.NOTHING, retry: { retries: 0 } }).admin();
      for (let attempt = 0; ; attempt++) {
        try {
          await probe.connect();
          await probe.disconnect();
          return;
        } catch (error) {
          if (attempt >= 20) throw new Error(`SCRAM user ${user.username} cannot log in 10 s after kafka-configs created it: ${String(error)}`);
          await new Promise((done) => setTimeout(done, 500));
        }
      }
    },
  };
}
