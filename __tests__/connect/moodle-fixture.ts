import type { DatasetSchema } from '../../generators/schema';

/**
 * The moodle_logs dataset as agreed with its author (sink, table, CDC topic, fields). The
 * integration test uses the real schema module; this copy keeps the unit tests independent of it.
 */
export const MOODLE_LOGS_FIXTURE: DatasetSchema = {
  name: 'moodle_logs',
  description: 'Learning-platform activity rows',
  sink: { kind: 'database', table: 'mdl_logstore_standard_log', cdcTopic: 'moodle.moodle.mdl_logstore_standard_log' },
  fields: [
    { name: 'id', type: 'bigint', doc: 'row id' },
    { name: 'eventname', type: 'string', doc: 'event class' },
    { name: 'component', type: 'string', doc: 'component' },
    { name: 'action', type: 'string', doc: 'action' },
    { name: 'userid', type: 'bigint', doc: 'user' },
    { name: 'courseid', type: 'bigint', doc: 'course' },
    { name: 'timecreated', type: 'timestamp_ms', doc: 'event time' },
  ],
  timestampField: 'timecreated',
  formats: ['JSON'],
};
