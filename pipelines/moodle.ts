import { MOODLE_DASHBOARD } from '../dashboards/moodle';
import { moodleLogsSchema } from '../generators/datasets/moodle_logs.schema';
import { moodlePredictionsSchema } from '../generators/datasets/moodle_predictions.schema';
import { declarePipeline } from './declare';

export const MOODLE_PIPELINE = declarePipeline({
  title: 'Moodle activity sessions and withdrawal risk (CDC)',
  datasets: [moodleLogsSchema, moodlePredictionsSchema],
  needs: ['kibana'],
  sinks: [
    { object: 'MOODLE_USER_SESSIONS', note: '15-minute session windows' },
    { object: 'MOODLE_USER_ACTIVITY' },
    { object: 'MOODLE_PREDICTIONS' },
    { object: 'MOODLE_AT_RISK_STUDENTS', note: 'prediction > 0.7' },
  ],
  kibana: {
    dashboard: {
      title: 'Moodle: sessions, activity and students at risk',
      description: 'Learning sessions per user, activity totals per user, and the learners the risk model flags (prediction > 0.7)',
      panels: [
        { title: 'Sessions (15-minute gap)', object: 'MOODLE_USER_SESSIONS', columns: ['USERID', 'SESSION_START', 'SESSION_END', 'ACTIVITIES', 'DURATION_S'], sortBy: 'SESSION_START' },
        { title: 'Activity per user', object: 'MOODLE_USER_ACTIVITY', columns: ['USERID', 'SESSIONS', 'ACTIVITIES', 'TOTAL_DURATION_S', 'AVG_SESSION_DURATION_S'], sortBy: 'ACTIVITIES' },
        { title: 'Students at risk (prediction > 0.7)', object: 'MOODLE_AT_RISK_STUDENTS', columns: ['USERID', 'PREDICTION', 'CREATED_DATE'], sortBy: 'CREATED_DATE' },
      ],
    },
  },
  dashboard: MOODLE_DASHBOARD,
});
