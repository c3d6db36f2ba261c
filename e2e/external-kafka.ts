/**
 * `npm run e2e -- --external-kafka`: the rehearsal against an existing, secured cluster. A real
 * Kafka broker (the integration harness's, from the Maven Central jars) speaks SASL_SSL only, with a
 * CA made for this run, SCRAM users and the standard authorizer on; the lab is deployed in
 * `kafka.mode = external` against it, with a topic prefix and managed ACLs, so that every container
 * of the lab (Connect and Debezium, the generators, the payments API, ...) connects over SASL_SSL
 * as a principal that holds only the ACLs the stack grants it.
 *
 * The broker listens on the Docker bridge's gateway address: the lab's containers reach the host
 * there whatever network the deploy creates, and so do the deploying machine's own clients (the
 * Terraform provider, the appliers, the rehearsal's probe), so one bootstrap address serves all.
 */
import { execFileSync } from 'node:child_process';
import type { KafkaConfig } from 'kafkajs';
import { terraformAdminAclGrants } from '../platform/service-acls';
import { PIPELINE_NAMES, type PipelineName } from '../pipelines/types';
import { randomPassword, startSecureKafka, type SaslUser, type SecureKafka } from '../integration/support/secure-kafka';

/**
 * The pipelines the external rehearsal deploys unless LAB_PIPELINES says otherwise: all but
 * payments. Its API registers schemas at start, and the local registry image (Apicurio 3.0.9 in
 * place of Confluent's, scripts/local-images/) answers every registration on this secured cluster
 * with an error after its 30 s journal round trip ("createdArtifact is null"), although it starts,
 * creates its prefixed topics and serves reads; the API then never becomes healthy. Known and open;
 * the plaintext rehearsal runs payments.
 */
export const EXTERNAL_REHEARSAL_PIPELINES: readonly PipelineName[] = PIPELINE_NAMES.filter((name) => name !== 'payments');

/** The prefix of everything the rehearsal's lab names on the cluster. */
export const EXTERNAL_TOPIC_PREFIX = 'e2e.';

export interface ExternalKafka {
  /** LAB_* and TF_VAR_* settings of the deploy (credentials only in TF_VAR_*, as a user passes them). */
  readonly env: Readonly<Record<string, string>>;
  /** Bootstrap and security of the rehearsal's own probe: the harness's super user, which sees every topic. */
  readonly probe: { readonly brokers: readonly string[] } & Pick<KafkaConfig, 'ssl' | 'sasl'>;
  /** Where the broker logs (kept after the run). */
  readonly logFile: string;
  stop(): Promise<void>;
}

/** The address of the default bridge network's gateway: the host as every container sees it. */
export function dockerBridgeGateway(): string {
  const gateway = execFileSync('docker', ['network', 'inspect', 'bridge', '--format', '{{(index .IPAM.Config 0).Gateway}}'], { encoding: 'utf8' }).trim();
  if (!/^\d+\.\d+\.\d+\.\d+$/.test(gateway)) throw new Error(`docker network inspect bridge gave no IPv4 gateway ("${gateway}"): is the Docker engine's default bridge enabled?`);
  return gateway;
}

/**
 * Starts the secured broker and creates the two principals a user of a managed cluster has: one
 * for Terraform (creates the prefixed topics and grants ACLs: Alter on the cluster) and one for the
 * lab's services, which gets nothing here: the deploy must grant it what it needs.
 */
export async function startExternalKafka(base: NodeJS.ProcessEnv = process.env): Promise<ExternalKafka> {
  const gateway = dockerBridgeGateway();
  const broker: SecureKafka = await startSecureKafka({ containerHost: gateway });
  try {
    const terraform: SaslUser = { username: 'e2e-terraform', password: randomPassword() };
    const services: SaslUser = { username: 'e2e-services', password: randomPassword() };
    for (const user of [terraform, services]) await broker.createScramUser(user);
    await broker.grantAcls(`User:${terraform.username}`, terraformAdminAclGrants(EXTERNAL_TOPIC_PREFIX));
    const bootstrap = broker.containerBootstrap!;
    return {
      env: {
        ...(base.LAB_PIPELINES === undefined ? { LAB_PIPELINES: EXTERNAL_REHEARSAL_PIPELINES.join(',') } : {}),
        LAB_KAFKA_MODE: 'external',
        LAB_KAFKA_BOOTSTRAP_SERVERS: bootstrap,
        LAB_KAFKA_SECURITY_PROTOCOL: 'SASL_SSL',
        LAB_KAFKA_SASL_MECHANISM: 'SCRAM-SHA-512',
        LAB_KAFKA_CA_CERT: broker.tls.caFile,
        LAB_KAFKA_TOPIC_PREFIX: EXTERNAL_TOPIC_PREFIX,
        LAB_KAFKA_MANAGE_ACLS: 'true',
        // One broker: every topic the stack or its services create has one replica.
        LAB_KAFKA_REPLICATION_FACTOR: '1',
        TF_VAR_kafka_sasl_username: services.username,
        TF_VAR_kafka_sasl_password: services.password,
        TF_VAR_kafka_admin_username: terraform.username,
        TF_VAR_kafka_admin_password: terraform.password,
      },
      probe: { brokers: [bootstrap], ...broker.clientSecurity(broker.superUser) },
      logFile: broker.logFile,
      stop: () => broker.stop(),
    };
  } catch (e) {
    await broker.stop();
    throw e;
  }
}
