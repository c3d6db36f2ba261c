import { Testing, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import {
  KAFKA_PROVIDER_VERSION,
  KafkaAcl,
  KafkaProvider,
  KafkaTopic,
} from '../../providers/kafka';

/** The parts of synthesized Terraform JSON these tests read. */
interface SynthesizedStack {
  terraform: { required_providers: Record<string, { source: string; version: string }> };
  provider: Record<string, Array<Record<string, unknown>>>;
  resource: Record<string, Record<string, Record<string, unknown>>>;
}

function synth(build: (scope: Construct) => void): SynthesizedStack {
  const app = Testing.app();
  const stack = new TerraformStack(app, 'test');
  build(stack);
  return JSON.parse(Testing.synth(stack)) as SynthesizedStack;
}

/** The resource's attributes without cdktf's own metadata block ("//"). */
function attributesOf(json: SynthesizedStack, type: string, name: string): Record<string, unknown> {
  const resource = json.resource[type]?.[name];
  if (resource === undefined) {
    throw new Error(`no ${type}.${name} in synthesized JSON; found: ${JSON.stringify(json.resource)}`);
  }
  return Object.fromEntries(Object.entries(resource).filter(([key]) => key !== '//'));
}

describe('KafkaProvider', () => {
  it('declares the Mongey/kafka source at the pinned version', () => {
    const json = synth((scope) => new KafkaProvider(scope, 'kafka', { bootstrapServers: ['b:9092'] }));
    expect(json.terraform.required_providers.kafka).toEqual({
      source: 'Mongey/kafka',
      version: KAFKA_PROVIDER_VERSION,
    });
    expect(KAFKA_PROVIDER_VERSION).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('writes a plaintext local broker with tls_enabled=false and nothing else', () => {
    const json = synth(
      (scope) => new KafkaProvider(scope, 'kafka', { bootstrapServers: ['127.0.0.1:9092'], tlsEnabled: false }),
    );
    expect(json.provider.kafka).toEqual([{ bootstrap_servers: ['127.0.0.1:9092'], tls_enabled: false }]);
  });

  it('writes SASL/TLS settings under the provider attribute names', () => {
    const json = synth(
      (scope) =>
        new KafkaProvider(scope, 'kafka', {
          bootstrapServers: ['a:9093', 'b:9093'],
          tlsEnabled: true,
          skipTlsVerify: false,
          caCert: 'PEM',
          saslMechanism: 'scram-sha512',
          saslUsername: 'svc',
          saslPassword: 'secret',
          kafkaVersion: '3.7.0',
          timeout: 30,
          saslAwsRegion: 'eu-west-1',
          saslOauthScopes: ['kafka'],
          alias: 'external',
        }),
    );
    expect(json.provider.kafka).toEqual([
      {
        bootstrap_servers: ['a:9093', 'b:9093'],
        tls_enabled: true,
        skip_tls_verify: false,
        ca_cert: 'PEM',
        sasl_mechanism: 'scram-sha512',
        sasl_username: 'svc',
        sasl_password: 'secret',
        kafka_version: '3.7.0',
        timeout: 30,
        sasl_aws_region: 'eu-west-1',
        sasl_oauth_scopes: ['kafka'],
        alias: 'external',
      },
    ]);
  });
});

describe('KafkaTopic', () => {
  it('writes name, partitions, replication_factor and the config map with Kafka keys untouched', () => {
    const json = synth((scope) => {
      const provider = new KafkaProvider(scope, 'kafka', { bootstrapServers: ['b:9092'], tlsEnabled: false });
      new KafkaTopic(scope, 'ratings', {
        provider,
        name: 'ratings',
        partitions: 6,
        replicationFactor: 3,
        config: { 'cleanup.policy': 'compact', 'retention.ms': '604800000' },
      });
    });
    expect(attributesOf(json, 'kafka_topic', 'ratings')).toEqual({
      provider: 'kafka',
      name: 'ratings',
      partitions: 6,
      replication_factor: 3,
      config: { 'cleanup.policy': 'compact', 'retention.ms': '604800000' },
    });
  });

  it('leaves config out when none is given and carries depends_on', () => {
    const json = synth((scope) => {
      new KafkaProvider(scope, 'kafka', { bootstrapServers: ['b:9092'] });
      const first = new KafkaTopic(scope, 'first', { name: 'first', partitions: 1, replicationFactor: 1 });
      new KafkaTopic(scope, 'second', { name: 'second', partitions: 1, replicationFactor: 1, dependsOn: [first] });
    });
    expect(attributesOf(json, 'kafka_topic', 'first')).toEqual({ name: 'first', partitions: 1, replication_factor: 1 });
    expect(attributesOf(json, 'kafka_topic', 'second').depends_on).toEqual(['kafka_topic.first']);
  });

  it('exposes id and name as references to the resource', () => {
    const json = synth((scope) => {
      new KafkaProvider(scope, 'kafka', { bootstrapServers: ['b:9092'] });
      const topic = new KafkaTopic(scope, 'source', { name: 'source', partitions: 1, replicationFactor: 1 });
      expect(topic.nameInput).toBe('source');
      new KafkaTopic(scope, 'derived', {
        name: `${topic.name}-copy`,
        partitions: topic.partitions,
        replicationFactor: 1,
        config: { 'x.source.id': topic.id },
      });
    });
    expect(attributesOf(json, 'kafka_topic', 'derived')).toEqual({
      name: '${kafka_topic.source.name}-copy',
      partitions: '${kafka_topic.source.partitions}',
      replication_factor: 1,
      config: { 'x.source.id': '${kafka_topic.source.id}' },
    });
  });
});

describe('KafkaAcl', () => {
  it('writes every ACL attribute under the provider names', () => {
    const json = synth((scope) => {
      new KafkaProvider(scope, 'kafka', { bootstrapServers: ['b:9092'] });
      new KafkaAcl(scope, 'producer', {
        resourceName: 'payment_',
        resourceType: 'Topic',
        resourcePatternTypeFilter: 'Prefixed',
        aclPrincipal: 'User:payments-api',
        aclHost: '*',
        aclOperation: 'Write',
        aclPermissionType: 'Allow',
      });
    });
    expect(attributesOf(json, 'kafka_acl', 'producer')).toEqual({
      resource_name: 'payment_',
      resource_type: 'Topic',
      resource_pattern_type_filter: 'Prefixed',
      acl_principal: 'User:payments-api',
      acl_host: '*',
      acl_operation: 'Write',
      acl_permission_type: 'Allow',
    });
  });

  it('omits the pattern type when the provider default (Literal) applies', () => {
    const json = synth((scope) => {
      new KafkaProvider(scope, 'kafka', { bootstrapServers: ['b:9092'] });
      new KafkaAcl(scope, 'group', {
        resourceName: 'ksql',
        resourceType: 'Group',
        aclPrincipal: 'User:ksql',
        aclHost: '*',
        aclOperation: 'Read',
        aclPermissionType: 'Allow',
      });
    });
    expect(attributesOf(json, 'kafka_acl', 'group')).not.toHaveProperty('resource_pattern_type_filter');
  });
});

describe('HCL output', () => {
  it('uses the same provider attribute names as the JSON output', () => {
    const app = Testing.app();
    const stack = new TerraformStack(app, 'hcl');
    new KafkaProvider(stack, 'kafka', { bootstrapServers: ['b:9092'], tlsEnabled: false });
    new KafkaTopic(stack, 'logs', {
      name: 'logs',
      partitions: 3,
      replicationFactor: 1,
      config: { 'cleanup.policy': 'delete' },
    });
    const hcl = String(Testing.synthHcl(stack));
    expect(hcl).toMatch(/provider "kafka" \{\s*bootstrap_servers = \[\s*"b:9092"\s*\]\s*tls_enabled = false\s*\}/);
    expect(hcl).toMatch(
      /resource "kafka_topic" "logs" \{\s*name = "logs"\s*partitions = 3\s*replication_factor = 1\s*config = \{\s*"cleanup.policy" = "delete"\s*\}/,
    );
  });
});
