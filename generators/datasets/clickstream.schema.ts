import { datasetSchema } from '../schema';

/**
 * Web clicks, as in Confluent's clickstream demo.
 *
 * Keyed by userid (decimal string), not ip: the enrichment joins users on userid and the session
 * windows group per user, so keying by userid puts all clicks of one user in one partition, in
 * order, hashed exactly like clickstream_users keys. ksqlDB still repartitions when the stream is
 * declared without a key column; the key choice only makes that step cheap and keeps per-user order.
 */
export const clickstreamSchema = datasetSchema({
  name: 'clickstream',
  description: 'Web clicks with status, bytes, agent and referrer; a sessionize mode pauses longer than the session gap',
  sink: { kind: 'kafka', topic: 'clickstream' },
  fields: [
    { name: 'ip', type: 'string', doc: 'Client IPv4 address' },
    { name: 'userid', type: 'int', doc: 'Id of the clicking user (joins clickstream_users.user_id); its decimal string is the message key' },
    { name: 'remote_user', type: 'string', doc: "Remote user as in a combined log line, '-' when unknown" },
    { name: 'request', type: 'string', doc: "Request line, e.g. 'GET /index.html HTTP/1.1'" },
    { name: 'status', type: 'int', doc: 'HTTP status code (joins clickstream_codes.code)' },
    { name: 'bytes', type: 'bigint', doc: 'Response size in bytes' },
    { name: 'agent', type: 'string', doc: 'User agent' },
    { name: 'referrer', type: 'string', doc: "Referrer URL, '-' when none" },
    { name: 'ts', type: 'timestamp_ms', doc: 'Event time, epoch milliseconds' },
  ],
  keyField: 'userid',
  timestampField: 'ts',
  formats: ['JSON'],
});
