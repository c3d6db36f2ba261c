import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { caCertOneLine } from '../../config/ca-cert';
import { loadConfig } from '../../config/load';
import { aclGrantLines, serviceAclGrants } from '../../platform/service-acls';
import { resourcesOf, synthStack, type Json } from '../support/synth';

/** The external-cluster part of the synthesized stack: credentials, the private CA, ACLs. */

const dir = mkdtempSync(join(tmpdir(), 'lab-external-stack-'));
execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '1', '-subj', '/CN=stack-test-ca'], { cwd: dir, stdio: 'ignore' });
const CA_PEM = readFileSync(join(dir, 'ca.pem'), 'utf8');

/** Credentials a user would export; none may reach the JSON. */
const SENTINELS = {
  TF_VAR_kafka_sasl_username: 'sentinel-user-7f3a',
  TF_VAR_kafka_sasl_password: 'sentinel-password-91c2',
  TF_VAR_kafka_admin_username: 'sentinel-admin-55d0',
  TF_VAR_kafka_admin_password: 'sentinel-admin-password-0b8e',
};
const ENV = {
  LAB_KAFKA_MODE: 'external',
  LAB_KAFKA_BOOTSTRAP_SERVERS: 'kafka-1.example.internal:9096',
  LAB_KAFKA_SECURITY_PROTOCOL: 'SASL_SSL',
  LAB_KAFKA_SASL_MECHANISM: 'SCRAM-SHA-512',
  LAB_KAFKA_CA_CERT: 'ca.pem',
  LAB_KAFKA_MANAGE_ACLS: 'true',
  LAB_KAFKA_TOPIC_PREFIX: 'team1.lab.',
  LAB_PIPELINES: 'ratings,payments',
};

interface Container {
  hostname: string;
  env?: string[];
  depends_on?: string[];
}

let tf: Json;
const saved = { ...process.env };

beforeAll(() => {
  // As a user would run it: credentials in the process environment next to the LAB_* settings.
  Object.assign(process.env, SENTINELS, ENV);
  tf = synthStack(loadConfig(process.env, dir, () => undefined));
});

afterAll(() => {
  process.env = saved;
});

const containers = (): Container[] => Object.values(resourcesOf(tf, 'docker_container') as unknown as Record<string, Container>);
const container = (hostname: string): Container => containers().find((c) => c.hostname === hostname)!;

describe('external cluster with a private CA and managed ACLs', () => {
  it('writes no credential into the synthesized JSON, only references to the sensitive variables', () => {
    const text = JSON.stringify(tf);
    for (const secret of Object.values(SENTINELS)) expect(text).not.toContain(secret);
    const variables = tf.variable as Record<string, { sensitive?: boolean }>;
    expect(Object.keys(variables).sort()).toEqual(['kafka_admin_password', 'kafka_admin_username', 'kafka_sasl_password', 'kafka_sasl_username']);
    expect(Object.values(variables).every((v) => v.sensitive === true)).toBe(true);
  });

  it('logs Terraform in as the admin principal, over TLS with the private CA', () => {
    const provider = (tf.provider as Record<string, Json[]>).kafka[0];
    expect(provider).toMatchObject({
      bootstrap_servers: ['kafka-1.example.internal:9096'],
      tls_enabled: true,
      ca_cert: CA_PEM,
      sasl_mechanism: 'scram-sha512',
      sasl_username: '${var.kafka_admin_username}',
      sasl_password: '${var.kafka_admin_password}',
    });
  });

  it("grants the services' user exactly the ACLs of serviceAclGrants, on the prefix", () => {
    const acls = Object.values(resourcesOf(tf, 'kafka_acl')) as Array<Record<string, string>>;
    expect(new Set(acls.map((a) => a.acl_principal))).toEqual(new Set(['User:${var.kafka_sasl_username}']));
    const lines = acls.map((a) => `${a.resource_type} ${a.resource_pattern_type_filter} '${a.resource_name}': ${a.acl_operation}`);
    expect(lines.sort()).toEqual(aclGrantLines(serviceAclGrants('team1.lab.')).sort());
    expect(lines).toContain("Topic Prefixed 'team1.lab.': Write");
  });

  it('starts the Kafka clients only once their ACLs exist', () => {
    for (const hostname of ['schema-registry', 'connect', 'payments-api', 'generators']) {
      expect(container(hostname).depends_on?.some((d) => d.startsWith('kafka_acl.'))).toBe(true);
    }
  });

  it('hands the CA to the Java clients as a one-line PEM truststore and to the Node clients as PEM', () => {
    const line = caCertOneLine(CA_PEM);
    expect(container('schema-registry').env).toEqual(expect.arrayContaining(['SCHEMA_REGISTRY_KAFKASTORE_SSL_TRUSTSTORE_TYPE=PEM', `SCHEMA_REGISTRY_KAFKASTORE_SSL_TRUSTSTORE_CERTIFICATES=${line}`]));
    // ksqlDB's REST listener would read unprefixed ssl.* as its own and refuses the PEM type; each of
    // its Kafka clients (Streams and admin, the command topic's consumer and producer) gets them under its prefix.
    for (const client of ['STREAMS', 'SERVER_COMMAND_CONSUMER', 'SERVER_COMMAND_PRODUCER']) {
      expect(container('ksqldb').env).toEqual(
        expect.arrayContaining([`KSQL_KSQL_${client}_SSL_TRUSTSTORE_TYPE=PEM`, `KSQL_KSQL_${client}_SSL_TRUSTSTORE_CERTIFICATES=${line}`]),
      );
    }
    expect(container('ksqldb').env?.filter((e) => e.startsWith('KSQL_SSL_'))).toEqual([]);
    expect(container('connect').env).toEqual(expect.arrayContaining([`CONNECT_SSL_TRUSTSTORE_CERTIFICATES=${line}`, `CONNECT_PRODUCER_SSL_TRUSTSTORE_CERTIFICATES=${line}`]));
    expect(container('generators').env).toContain(`KAFKA_SSL_CA=${CA_PEM}`);
    expect(container('payments-api').env).toEqual(expect.arrayContaining([`KAFKA_SSL_CA=${CA_PEM}`, 'KAFKA_SASL_PASSWORD=${var.kafka_sasl_password}']));
  });
});
