import { CLICKSTREAM_DASHBOARD } from '../dashboards/clickstream';
import { clickstreamSchema } from '../generators/datasets/clickstream.schema';
import { clickstreamCodesSchema } from '../generators/datasets/clickstream_codes.schema';
import { clickstreamUsersSchema } from '../generators/datasets/clickstream_users.schema';
import { declarePipeline } from './declare';

export const CLICKSTREAM_PIPELINE = declarePipeline({
  title: 'Clickstream analysis',
  datasets: [clickstreamSchema, clickstreamCodesSchema, clickstreamUsersSchema],
  needs: [],
  sinks: [
    { object: 'EVENTS_PER_MIN' },
    { object: 'PAGES_PER_MIN' },
    { object: 'ENRICHED_ERROR_CODES_COUNT' },
    { object: 'ERRORS_PER_MIN' },
    { object: 'ERRORS_PER_MIN_ALERT' },
    { object: 'USER_IP_ACTIVITY' },
    { object: 'CLICK_USER_SESSIONS' },
    { object: 'BANDWIDTH_PER_MIN' },
    { object: 'USER_SESSION_BANDWIDTH' },
    { object: 'HIGH_BANDWIDTH_SESSIONS', note: '> 500 MB' },
  ],
  dashboard: CLICKSTREAM_DASHBOARD,
});
