import { SERVER_LOGS_DASHBOARD } from '../dashboards/server-logs';
import { serverLogsSchema } from '../generators/datasets/server_logs.schema';
import { declarePipeline } from './declare';

export const SERVER_LOGS_PIPELINE = declarePipeline({
  title: 'Server log anomaly detection',
  datasets: [serverLogsSchema],
  // An error storm at start: the anomaly table has a row as soon as the pipeline runs.
  generatorArgs: { server_logs: ['--burst'] },
  needs: [],
  sinks: [
    { object: 'SERVER_ERROR_ANOMALIES', note: 'hosts with >= 5 errors in a 1-minute window' },
    { object: 'SERVER_ERRORS' },
    { object: 'SERVER_EVENTS_PER_STATUS' },
    { object: 'SERVER_EVENTS_PER_STATUS_PER_MINUTE' },
    { object: 'SERVER_REQUESTS_PER_MINUTE' },
  ],
  dashboard: SERVER_LOGS_DASHBOARD,
});
