import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { caCertOneLine } from '../../config/ca-cert';
import { loadConfig } from '../../config/load';
import { TOPIC_PREFIX_RULE } from '../../lib/topic-prefix';
import { ConfigError } from '../../config/validate';

/** kafka.topicPrefix, kafka.external.caCert / manageAcls / replicationFactor: loaded from the environment and validated. */

const dir = mkdtempSync(join(tmpdir(), 'lab-external-config-'));
// A real certificate, so the PEM checks see what a user's CA file holds.
execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '1', '-subj', '/CN=config-test-ca'], { cwd: dir, stdio: 'ignore' });
const CA_PEM = readFileSync(join(dir, 'ca.pem'), 'utf8');
writeFileSync(join(dir, 'not-a-cert.pem'), 'hello\n');

const EXTERNAL = { LAB_KAFKA_MODE: 'external', LAB_KAFKA_BOOTSTRAP_SERVERS: 'b1:9093', LAB_KAFKA_SECURITY_PROTOCOL: 'SASL_SSL', LAB_KAFKA_SASL_MECHANISM: 'SCRAM-SHA-512' };

function problems(env: NodeJS.ProcessEnv): string[] {
  try {
    loadConfig(env, dir, () => undefined);
  } catch (e) {
    if (e instanceof ConfigError) return [...e.problems];
    throw e;
  }
  throw new Error('expected a ConfigError');
}

describe('kafka.topicPrefix', () => {
  it('is empty by default and read from LAB_KAFKA_TOPIC_PREFIX', () => {
    expect(loadConfig({}, dir).kafka.topicPrefix).toBe('');
    expect(loadConfig({ LAB_KAFKA_TOPIC_PREFIX: 'team-a.lab_' }, dir).kafka.topicPrefix).toBe('team-a.lab_');
  });

  it.each([['a slash', 'team/a.'], ['a space', 'team a.'], ['41 characters', 'x'.repeat(41)]])('refuses %s, naming the setting and the allowed characters', (_what, prefix) => {
    expect(problems({ LAB_KAFKA_TOPIC_PREFIX: prefix })).toEqual([`kafka.topicPrefix (from env LAB_KAFKA_TOPIC_PREFIX): got '${prefix}'; allowed: ${TOPIC_PREFIX_RULE}`]);
  });
});

describe('kafka.external.caCert', () => {
  it('reads a PEM file named by LAB_KAFKA_CA_CERT (relative to the working directory) and keeps its PEM', () => {
    const config = loadConfig({ ...EXTERNAL, LAB_KAFKA_CA_CERT: 'ca.pem' }, dir);
    expect(config.kafka.external?.caCert).toBe(CA_PEM);
  });

  it('takes the PEM itself from the environment', () => {
    expect(loadConfig({ ...EXTERNAL, LAB_KAFKA_CA_CERT: CA_PEM }, dir).kafka.external?.caCert).toBe(CA_PEM);
  });

  it('refuses a missing file, a file without a certificate, and a CA on a plaintext protocol', () => {
    expect(problems({ ...EXTERNAL, LAB_KAFKA_CA_CERT: 'missing.pem' })[0]).toMatch(/^kafka\.external\.caCert \(from env LAB_KAFKA_CA_CERT\): got 'missing\.pem'; allowed: a PEM file path.*\(.*missing\.pem does not exist \(or is a symbolic link to nothing\) \(ENOENT\)\)$/);
    expect(problems({ ...EXTERNAL, LAB_KAFKA_CA_CERT: 'not-a-cert.pem' })[0]).toMatch(/holds no PEM CERTIFICATE block\)$/);
    expect(problems({ ...EXTERNAL, LAB_KAFKA_SECURITY_PROTOCOL: 'SASL_PLAINTEXT', LAB_KAFKA_CA_CERT: 'ca.pem' })[0]).toMatch(/kafka\.external\.caCert .*allowed: no CA certificate unless kafka\.external\.securityProtocol is SSL or SASL_SSL/);
  });

  it('fits on one line for Java clients, keeping every base64 character', () => {
    const line = caCertOneLine(CA_PEM);
    expect(line).not.toContain('\n');
    expect(line.replace(/\s/g, '')).toBe(CA_PEM.replace(/\s/g, ''));
  });
});

describe('kafka.external.manageAcls and replicationFactor', () => {
  it('are read from LAB_KAFKA_MANAGE_ACLS and LAB_KAFKA_REPLICATION_FACTOR', () => {
    const config = loadConfig({ ...EXTERNAL, LAB_KAFKA_MANAGE_ACLS: 'true', LAB_KAFKA_TOPIC_PREFIX: 'lab1.', LAB_KAFKA_REPLICATION_FACTOR: '1' }, dir);
    expect(config.kafka.external).toMatchObject({ manageAcls: true, replicationFactor: 1 });
  });

  it('refuses ACLs without a topic prefix, which would grant the whole cluster', () => {
    expect(problems({ ...EXTERNAL, LAB_KAFKA_MANAGE_ACLS: 'true' })).toEqual([
      'kafka.external.manageAcls (from env LAB_KAFKA_MANAGE_ACLS): got true; allowed: false unless kafka.topicPrefix is set (the ACLs cover the topics and groups that start with it)',
    ]);
  });

  it('refuses ACLs without SASL, as there is no user to grant them to', () => {
    expect(problems({ ...EXTERNAL, LAB_KAFKA_SECURITY_PROTOCOL: 'SSL', LAB_KAFKA_MANAGE_ACLS: 'true', LAB_KAFKA_TOPIC_PREFIX: 'x.' })[0]).toMatch(
      /^kafka\.external\.manageAcls .*allowed: false unless kafka\.external\.securityProtocol is SASL_SSL or SASL_PLAINTEXT/,
    );
  });

  it('refuses a replication factor of 0 and a non-boolean manageAcls', () => {
    expect(problems({ ...EXTERNAL, LAB_KAFKA_REPLICATION_FACTOR: '0', LAB_KAFKA_MANAGE_ACLS: 'yes' })).toEqual([
      "kafka.external.replicationFactor (from env LAB_KAFKA_REPLICATION_FACTOR): got 0; allowed: an integer from 1 to 7",
      "kafka.external.manageAcls (from env LAB_KAFKA_MANAGE_ACLS): got 'yes'; allowed: true or false",
    ]);
  });
});
