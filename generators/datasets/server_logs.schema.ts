import { datasetSchema } from '../schema';

/** Web server access/log events. Keyed by host so per-host error windows need no repartition. */
export const serverLogsSchema = datasetSchema({
  name: 'server_logs',
  description: 'Web server log events; a burst mode produces error storms on one host',
  sink: { kind: 'kafka', topic: 'server_logs' },
  fields: [
    { name: 'ts', type: 'timestamp_ms', doc: 'Event time, epoch milliseconds' },
    { name: 'host', type: 'string', doc: 'Host name of the server that logged the event; also the message key' },
    { name: 'service', type: 'string', doc: 'Service that handled the request' },
    { name: 'method', type: 'string', doc: 'HTTP method: GET, POST, PUT, DELETE or PATCH' },
    { name: 'path', type: 'string', doc: 'Request path' },
    { name: 'status', type: 'int', doc: 'HTTP status code; >= 500 is an error' },
    { name: 'latency_ms', type: 'int', doc: 'Request latency in milliseconds, >= 0' },
    { name: 'message', type: 'string', doc: 'Log message' },
  ],
  keyField: 'host',
  timestampField: 'ts',
  formats: ['JSON'],
});
