import { configWith, resourcesOf, synthStack, type Json } from '../support/synth';
import type { LabConfigOverrides } from '../../config/types';

/**
 * ksqlDB's processing log reaches its topic only through the image's Kafka appender
 * (KSQL_LOG4J_PROCESSING_LOG_*, cp-ksqldb-server's contract): the stack must name the same topic to
 * the appender and to the server (which creates the topic and the KSQL_PROCESSING_LOG stream over it).
 */
function ksqlEnv(overrides: LabConfigOverrides): Map<string, string> {
  const tf: Json = synthStack(configWith(overrides));
  const containers = Object.values(resourcesOf(tf, 'docker_container')) as Array<{ hostname: string; env?: string[] }>;
  const env = containers.find((c) => c.hostname === 'ksqldb')?.env ?? [];
  return new Map(env.map((e) => [e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1)]));
}

describe('the ksqlDB processing log', () => {
  it('is written by the Kafka appender to the topic the server reads, on the lab brokers', () => {
    const env = ksqlEnv({ project: 'kq' });
    expect(env.get('KSQL_LOG4J_PROCESSING_LOG_TOPIC')).toBe('kq_ksql_processing_log');
    expect(env.get('KSQL_KSQL_LOGGING_PROCESSING_TOPIC_NAME')).toBe('kq_ksql_processing_log');
    expect(env.get('KSQL_LOG4J_PROCESSING_LOG_BROKERLIST')).toBe(env.get('KSQL_BOOTSTRAP_SERVERS'));
    expect(env.get('KSQL_KSQL_LOGGING_PROCESSING_STREAM_AUTO_CREATE')).toBe('true');
  });

  it('lives under the topic prefix on a plaintext external cluster, inside the lab ACLs', () => {
    const env = ksqlEnv({ kafka: { mode: 'external', topicPrefix: 'team1.lab.', external: { bootstrapServers: 'kafka.example.internal:9092', securityProtocol: 'PLAINTEXT', saslMechanism: 'PLAIN' } } });
    expect(env.get('KSQL_LOG4J_PROCESSING_LOG_TOPIC')).toBe('team1.lab.lab_ksql_processing_log');
    expect(env.get('KSQL_KSQL_LOGGING_PROCESSING_TOPIC_NAME')).toBe('team1.lab.lab_ksql_processing_log');
    expect(env.get('KSQL_LOG4J_PROCESSING_LOG_BROKERLIST')).toBe('kafka.example.internal:9092');
  });

  it('has no appender on a secured cluster (the image variables cannot log it in), but keeps its prefixed topic', () => {
    const env = ksqlEnv({
      kafka: { mode: 'external', topicPrefix: 'team1.lab.', external: { bootstrapServers: 'kafka-1.example.internal:9096', securityProtocol: 'SASL_SSL', saslMechanism: 'SCRAM-SHA-512' } },
    });
    expect(env.has('KSQL_LOG4J_PROCESSING_LOG_BROKERLIST')).toBe(false);
    expect(env.has('KSQL_LOG4J_PROCESSING_LOG_TOPIC')).toBe(false);
    expect(env.get('KSQL_KSQL_LOGGING_PROCESSING_TOPIC_NAME')).toBe('team1.lab.lab_ksql_processing_log');
  });
});
