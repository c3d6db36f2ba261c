import { kafkaConfig, parseBrokers } from '../../generators/kafka-config';
import { parseDatabaseUrl } from '../../generators/sinks/database-sink';

describe('database URL', () => {
  it('reads user, URL-encoded password, host, port and database', () => {
    expect(parseDatabaseUrl('mysql://moodle:p%40ss%2Fw0rd@mariadb:3307/moodle')).toEqual({ host: 'mariadb', port: 3307, user: 'moodle', password: 'p@ss/w0rd', database: 'moodle' });
    expect(parseDatabaseUrl('mariadb://moodle:x@db/moodle').port).toBe(3306);
  });

  it.each([
    ['not a url', 'database URL is not a URL; expected mysql://user:password@host:3306/database (URL-encode special characters in the password)'],
    ['postgres://u:p@h/db', "database URL scheme 'postgres' is not supported; allowed: mysql, mariadb (mysql://user:password@host:3306/database)"],
    ['mysql://u:p@h:3306/', 'database URL names no database; expected mysql://user:password@host:3306/database'],
    ['mysql://h:3306/moodle', 'database URL names no user; expected mysql://user:password@host:3306/database'],
  ])('%s is rejected', (url, message) => {
    expect(() => parseDatabaseUrl(url)).toThrow(message);
  });
});

describe('Kafka client settings', () => {
  it('parses a broker list and rejects entries without a port', () => {
    expect(parseBrokers(' kafka:9092, other:19092 ')).toEqual(['kafka:9092', 'other:19092']);
    expect(() => parseBrokers('kafka')).toThrow("broker 'kafka' is not host:port");
    expect(() => parseBrokers(' , ')).toThrow('no broker given');
  });

  it('plaintext by default; SASL_SSL with the mechanism and credentials from the environment', () => {
    expect(kafkaConfig('t', ['k:1'], {})).toMatchObject({ ssl: false, sasl: undefined });
    const cloud = kafkaConfig('t', ['k:1'], { KAFKA_SECURITY_PROTOCOL: 'SASL_SSL', KAFKA_SASL_MECHANISM: 'SCRAM-SHA-512', KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: 'p' });
    expect(cloud).toMatchObject({ ssl: true, sasl: { mechanism: 'scram-sha-512', username: 'u', password: 'p' } });
  });

  it('names the allowed values of bad settings', () => {
    expect(() => kafkaConfig('t', ['k:1'], { KAFKA_SECURITY_PROTOCOL: 'TLS' })).toThrow("KAFKA_SECURITY_PROTOCOL 'TLS' is not supported; allowed: PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL");
    expect(() => kafkaConfig('t', ['k:1'], { KAFKA_SECURITY_PROTOCOL: 'SASL_SSL', KAFKA_SASL_MECHANISM: 'GSSAPI', KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: 'p' })).toThrow(
      "KAFKA_SASL_MECHANISM 'GSSAPI' is not supported; allowed: PLAIN, SCRAM-SHA-256, SCRAM-SHA-512",
    );
    expect(() => kafkaConfig('t', ['k:1'], { KAFKA_SECURITY_PROTOCOL: 'SASL_PLAINTEXT' })).toThrow('set KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD');
  });
});
