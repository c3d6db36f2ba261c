import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'node:tls';
import { Kafka, type KafkaConfig, logLevel } from 'kafkajs';
import { pemCertificates, pemOneLine } from '../../lib/x509';
import { ensureTlsMaterial, TLS_FILES } from '../../ops/tls/material';
import { type BrokerSecurity, type LocalKafka, startKafka } from '../support/kafka';
import { randomPassword, type SaslUser } from '../support/secure-kafka';
import { removeAtExit } from '../support/service-process';

/**
 * The real Kafka 3.9.1 broker serving SASL_SSL with the material ops/tls makes, given inline as
 * one-line PEM config values (`ssl.keystore.type=PEM`, no key password), as the lab's broker
 * receives it through its environment. SCRAM-SHA-512 users are written at storage format.
 */

const TOPIC = 'tls_pem_probe';
const brokerUser: SaslUser = { username: 'lab-broker', password: randomPassword() };
const labUser: SaslUser = { username: 'lab-user', password: randomPassword() };

const dir = mkdtempSync(join(tmpdir(), 'lab-tls-kafka-'));
removeAtExit(dir);
const read = (file: string): string => readFileSync(join(dir, file), 'utf8');

let broker: LocalKafka;
let caPem: string;

const scramJaas = (user: SaslUser): string =>
  `org.apache.kafka.common.security.scram.ScramLoginModule required username="${user.username}" password="${user.password}";`;
const scramFormat = (user: SaslUser): string[] => ['--add-scram', `SCRAM-SHA-512=[name=${user.username},password=${user.password}]`];
const clientSecurity = (user: SaslUser, ca: readonly string[] = [caPem]): Pick<KafkaConfig, 'ssl' | 'sasl'> => ({
  ssl: { ca: [...ca] },
  sasl: { mechanism: 'scram-sha-512', username: user.username, password: user.password },
});
const client = (security: Pick<KafkaConfig, 'ssl' | 'sasl'>): Kafka =>
  new Kafka({ ...security, clientId: 'tls-pem-test', brokers: [broker.bootstrap], logLevel: logLevel.NOTHING, retry: { retries: 0 }, connectionTimeout: 5_000 });

/**
 * The SASL_SSL listener with the key and chain inline. The controller listener stays PLAINTEXT on
 * 127.0.0.1: the lab's server certificate is for serving (extendedKeyUsage serverAuth), not for
 * the broker's mutual TLS with its own controller, and this test is about the client listener.
 */
function inlinePemSecurity(chainValue: string): BrokerSecurity {
  return {
    properties: {
      'listener.security.protocol.map': 'CONTROLLER:PLAINTEXT,SASL_SSL:SASL_SSL',
      'ssl.keystore.type': 'PEM',
      'ssl.keystore.key': pemOneLine(read(TLS_FILES.serverKey)),
      'ssl.keystore.certificate.chain': chainValue,
      // The broker is a client of its own SASL_SSL listener (inter-broker), so it trusts the CA too.
      'ssl.truststore.type': 'PEM',
      'ssl.truststore.certificates': pemOneLine(read(TLS_FILES.caCert)),
      'sasl.enabled.mechanisms': 'SCRAM-SHA-512',
      'sasl.mechanism.inter.broker.protocol': 'SCRAM-SHA-512',
      'listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config': scramJaas(brokerUser),
    },
    formatArgs: [...scramFormat(brokerUser), ...scramFormat(labUser)],
    client: clientSecurity(brokerUser),
  };
}

beforeAll(async () => {
  ensureTlsMaterial(dir, ['127.0.0.1', 'localhost']);
  caPem = read(TLS_FILES.caCert);
  const [serverCertificate] = pemCertificates(read(TLS_FILES.serverCert));
  broker = await startKafka({ security: inlinePemSecurity(pemOneLine(serverCertificate)) });
  const admin = client(clientSecurity(brokerUser)).admin();
  await admin.connect();
  try {
    await admin.createTopics({ topics: [{ topic: TOPIC, numPartitions: 1 }], waitForLeaders: true });
  } finally {
    await admin.disconnect();
  }
});

afterAll(async () => {
  await broker?.stop();
});

describe('Kafka with the ops/tls material as inline one-line PEM', () => {
  it('presents the server certificate from server.pem, which verifies against ca.pem for 127.0.0.1', async () => {
    const presented = await new Promise<X509Certificate>((resolve, reject) => {
      const socket = connect({ host: '127.0.0.1', port: broker.port, ca: [caPem] }, () => {
        const peer = socket.getPeerX509Certificate();
        socket.end();
        if (peer) resolve(peer);
        else reject(new Error('no peer certificate'));
      });
      socket.on('error', reject);
    });
    expect(presented.fingerprint256).toBe(new X509Certificate(read(TLS_FILES.serverCert)).fingerprint256);
  });

  it('a SCRAM-SHA-512 user created at storage format lists the topics, trusting only ca.pem', async () => {
    const admin = client(clientSecurity(labUser)).admin();
    await admin.connect();
    try {
      expect(await admin.listTopics()).toContain(TOPIC);
    } finally {
      await admin.disconnect();
    }
  });

  it('a wrong password fails SASL authentication', async () => {
    const admin = client(clientSecurity({ ...labUser, password: `${labUser.password}x` })).admin();
    await expect(admin.connect()).rejects.toThrow(/SASL SCRAM SHA512 authentication failed/);
  });

  it('a client that does not trust the lab CA fails the TLS handshake', async () => {
    const admin = client({ ...clientSecurity(labUser), ssl: true }).admin();
    await expect(admin.connect()).rejects.toThrow(/self-signed certificate in certificate chain|unable to (get local issuer|verify)/);
  });

  it('a one-line chain of server and CA certificate makes the broker refuse to start (why pemOneLine takes one block)', async () => {
    const chainOnOneLine = read(TLS_FILES.serverCert).trim().replace(/\n/g, ' ');
    const failure = await startKafka({ startTimeoutMs: 60_000, security: inlinePemSecurity(chainOnOneLine) }).then(
      async (started) => {
        await started.stop();
        return 'the broker started';
      },
      (error: Error) => error.message,
    );
    expect(failure).toMatch(/the broker process exited with code 1 before it answered/);
    // The error names the broker's log; its tail is the shutdown, the cause is further up.
    const logFile = /last \d+ lines of (\S+kafka\.log)/.exec(failure)?.[1];
    expect(logFile).toBeDefined();
    expect(readFileSync(logFile!, 'utf8')).toMatch(/Invalid CertificateVerify signature/);
  });
});
