import { datasetSchema } from '../schema';

/**
 * Learning-platform activity, written as rows into Moodle's log table; Debezium (topic
 * prefix `moodle`, database `moodle`) turns them into flat JSON rows (ExtractNewRecordState) on the
 * CDC topic with exactly these columns. The Kafka record timestamp there is Debezium's, so ksqlDB
 * must read event time from `timecreated`. Unkeyed here: Debezium keys CDC records by primary key.
 */
export const moodleLogsSchema = datasetSchema({
  name: 'moodle_logs',
  description: 'Learning-platform activity rows inserted into mdl_logstore_standard_log, read back by CDC',
  sink: { kind: 'database', table: 'mdl_logstore_standard_log', cdcTopic: 'moodle.moodle.mdl_logstore_standard_log' },
  fields: [
    { name: 'id', type: 'bigint', doc: 'Row id, assigned by the database (AUTO_INCREMENT primary key)' },
    { name: 'eventname', type: 'string', doc: "Moodle event class, e.g. '\\core\\event\\course_viewed'" },
    { name: 'component', type: 'string', doc: "Moodle component, e.g. 'core' or 'mod_quiz'" },
    { name: 'action', type: 'string', doc: "What the user did, e.g. 'viewed' or 'submitted'" },
    { name: 'userid', type: 'bigint', doc: 'Id of the acting user' },
    { name: 'courseid', type: 'bigint', doc: 'Id of the course' },
    { name: 'timecreated', type: 'timestamp_ms', doc: 'Event time, epoch milliseconds' },
  ],
  timestampField: 'timecreated',
  formats: ['JSON'],
});
