import { App, LocalBackend, TerraformStack } from 'cdktf';
import { type Admin, AclOperationTypes, AclPermissionTypes, AclResourceTypes, Kafka, logLevel, ResourcePatternTypes } from 'kafkajs';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_CONFIG } from '../../config/defaults';
import type { LabConfig } from '../../config/types';
import { validateConfig } from '../../config/validate';
import { validateEnabledPipelineScripts } from '../../pipelines/scripts';
import { ensureTofu, tofu, type TofuToolchain } from '../../lib/tofu';
import { PIPELINES } from '../../pipelines/catalog';
import { ExternalKafka } from '../../platform/external-kafka';
import { aclGrantLines, serviceAclGrants, terraformAdminAclGrants } from '../../platform/service-acls';
import { createPipelineTopics } from '../../stacks/pipeline-resources';
import { planPipelineTopics } from '../../stacks/pipeline-topics';
import { randomPassword, type SaslUser, type SecureKafka, startSecureKafka } from '../support/secure-kafka';

/**
 * The Kafka part of the stack in external mode, for real: the same ExternalKafka construct and
 * topic planning the stack uses, applied by OpenTofu with the real Mongey/kafka provider against a
 * broker that speaks only SASL_SSL (SCRAM-SHA-512, a CA made for this run) and enforces ACLs.
 * What the broker holds is read back with the harness's super user, not from Terraform.
 */

const PREFIX = 'it.lab.';
const TOFU_STEP_MS = 5 * 60_000;

let broker: SecureKafka;
let toolchain: TofuToolchain;
let workDir: string;
let superAdmin: Admin;
let config: LabConfig;
const admin: SaslUser = { username: 'lab-terraform', password: randomPassword() };
const services: SaslUser = { username: 'lab-services', password: randomPassword() };
const outsider: SaslUser = { username: 'someone-else', password: randomPassword() };
/** A topic under the prefix that someone made by hand: the stack must leave it alone. */
const HAND_MADE = `${PREFIX}made-by-hand`;
/** A topic of another team on the same cluster. */
const OTHER_TEAM = 'other-team.events';

const credentials = (who: SaslUser = admin): Record<string, string> => ({
  TF_VAR_kafka_admin_username: who.username,
  TF_VAR_kafka_admin_password: who.password,
  TF_VAR_kafka_sasl_username: services.username,
  TF_VAR_kafka_sasl_password: services.password,
});

/** The stack's Kafka resources for `config`, synthesized as the stack builds them, into the working directory. */
function writeKafkaPart(): void {
  const outdir = mkdtempSync(join(tmpdir(), 'tf-external-synth-'));
  const app = new App({ outdir });
  const stack = new TerraformStack(app, 'kafka');
  new LocalBackend(stack, { path: join(workDir, 'terraform.tfstate') });
  const cluster = new ExternalKafka(stack, 'kafka', config.kafka.external!, config.kafka.topicPrefix);
  cluster.provider(stack, 'kafka-provider');
  const pipelines = config.pipelines.map((name) => PIPELINES[name]);
  createPipelineTopics(stack, pipelines, validateEnabledPipelineScripts(pipelines), config, cluster.connection);
  app.synth();
  writeFileSync(join(workDir, 'cdk.tf.json'), readFileSync(join(outdir, 'stacks', 'kafka', 'cdk.tf.json')));
  rmSync(outdir, { recursive: true, force: true });
}

function plannedTopicNames(): string[] {
  const pipelines = config.pipelines.map((name) => PIPELINES[name]);
  return planPipelineTopics(pipelines, validateEnabledPipelineScripts(pipelines), config.kafka, 1).map((t) => `${PREFIX}${t.name}`);
}

/** Every ACL of the cluster, as aclGrantLines prints them, for one principal. */
async function aclLinesOf(principal: string): Promise<string[]> {
  const described = await superAdmin.describeAcls({
    resourceType: AclResourceTypes.ANY,
    resourcePatternType: ResourcePatternTypes.ANY,
    principal,
    operation: AclOperationTypes.ANY,
    permissionType: AclPermissionTypes.ANY,
  });
  const name = <T extends Record<string, string | number>>(table: T, value: number): string => {
    const key = Object.keys(table).find((k) => table[k] === value) ?? String(value);
    return key.toLowerCase();
  };
  return described.resources.flatMap((r) =>
    r.acls.map((a) => `${name(AclResourceTypes, r.resourceType)} ${name(ResourcePatternTypes, r.resourcePatternType)} '${r.resourceName}': ${name(AclOperationTypes, a.operation)}`),
  );
}

/** aclGrantLines in the lower-case, underscore-free spelling kafkajs' enum keys give. */
const normalized = (lines: readonly string[]): string[] => lines.map((l) => l.toLowerCase().replace(/_/g, '')).sort();

const client = (user: SaslUser): Kafka =>
  new Kafka({ ...broker.clientSecurity(user), clientId: `it-${user.username}`, brokers: [broker.bootstrap], logLevel: logLevel.NOTHING, retry: { retries: 0 } });

async function produce(user: SaslUser, topic: string): Promise<void> {
  const producer = client(user).producer({ allowAutoTopicCreation: false });
  await producer.connect();
  try {
    await producer.send({ topic, acks: -1, messages: [{ value: 'x' }] });
  } finally {
    await producer.disconnect();
  }
}

beforeAll(async () => {
  toolchain = ensureTofu();
  broker = await startSecureKafka();
  for (const user of [admin, services, outsider]) await broker.createScramUser(user);
  // Terraform's principal administers the lab's part of the cluster: its topics, and ACLs (Alter on the cluster).
  await broker.grantAcls(`User:${admin.username}`, terraformAdminAclGrants(PREFIX));
  superAdmin = broker.superAdmin();
  await superAdmin.connect();
  await superAdmin.createTopics({ topics: [{ topic: HAND_MADE }, { topic: OTHER_TEAM }], waitForLeaders: true });

  config = validateConfig({
    ...DEFAULT_CONFIG,
    kafka: {
      ...DEFAULT_CONFIG.kafka,
      mode: 'external',
      topicPrefix: PREFIX,
      external: {
        bootstrapServers: broker.bootstrap,
        securityProtocol: 'SASL_SSL',
        saslMechanism: 'SCRAM-SHA-512',
        caCert: broker.tls.caPem,
        manageAcls: true,
        replicationFactor: 1,
      },
    },
  });
  workDir = mkdtempSync(join(tmpdir(), 'tf-external-work-'));
  writeKafkaPart();
  await tofu(toolchain, workDir, ['init', '-input=false', '-no-color']);
}, 20 * 60_000);

afterAll(async () => {
  await superAdmin?.disconnect();
  await broker?.stop();
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

describe('the stack\'s Kafka part on a SASL_SSL cluster with ACLs', () => {
  it(
    'tofu apply creates every topic of the enabled pipelines under the prefix, and the services\' ACLs',
    async () => {
      await tofu(toolchain, workDir, ['apply', '-auto-approve', '-input=false', '-no-color'], credentials());
      const topics = await superAdmin.listTopics();
      expect(topics.filter((t) => t.startsWith(PREFIX) && t !== HAND_MADE).sort()).toEqual(plannedTopicNames().sort());
      expect(plannedTopicNames().length).toBeGreaterThan(10);
      expect(normalized(await aclLinesOf(`User:${services.username}`))).toEqual(normalized(aclGrantLines(serviceAclGrants(PREFIX))));
    },
    TOFU_STEP_MS,
  );

  it(
    'a second plan is empty',
    async () => {
      const { stdout } = await tofu(toolchain, workDir, ['plan', '-detailed-exitcode', '-input=false', '-no-color'], credentials());
      expect(stdout).toMatch(/No changes/);
    },
    TOFU_STEP_MS,
  );

  it(
    'a wrong password is refused, and the error names the failed SASL authentication (the refresh logs in; a plan on empty state would not)',
    async () => {
      const error = await tofu(toolchain, workDir, ['plan', '-input=false', '-no-color'], credentials({ ...admin, password: 'wrong' })).catch((e: Error) => e);
      expect(error).toBeInstanceOf(Error);
      expect((error as Error).message).toMatch(/SASL Authentication failed|Authentication failed during authentication due to invalid credentials/i);
    },
    TOFU_STEP_MS,
  );

  it('the ACLs are real: the services\' user writes under the prefix only, a user without ACLs nowhere', async () => {
    const topic = plannedTopicNames()[0];
    await produce(services, topic);
    await expect(produce(services, OTHER_TEAM)).rejects.toThrow(/not authorized/i);
    await expect(produce(outsider, topic)).rejects.toThrow(/not authorized/i);
  });

  it(
    'tofu destroy removes exactly what apply created: the hand-made topics and other principals\' ACLs stay',
    async () => {
      const adminAclsBefore = await aclLinesOf(`User:${admin.username}`);
      await tofu(toolchain, workDir, ['destroy', '-auto-approve', '-input=false', '-no-color'], credentials());
      const topics = await superAdmin.listTopics();
      expect(topics.filter((t) => t.startsWith(PREFIX))).toEqual([HAND_MADE]);
      expect(topics).toContain(OTHER_TEAM);
      expect(await aclLinesOf(`User:${services.username}`)).toEqual([]);
      expect(await aclLinesOf(`User:${admin.username}`)).toEqual(adminAclsBefore);
    },
    TOFU_STEP_MS,
  );
});
