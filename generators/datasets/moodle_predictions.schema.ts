import { datasetSchema } from '../schema';

/** A dropout risk model's output: the probability that a learner drops out. Keyed by userid. */
export const moodlePredictionsSchema = datasetSchema({
  name: 'moodle_predictions',
  description: 'Per-user drop-out risk predictions; above 0.7 a learner is at risk',
  sink: { kind: 'kafka', topic: 'moodle_predictions' },
  fields: [
    { name: 'userid', type: 'bigint', doc: 'Id of the learner (moodle_logs.userid); its decimal string is the message key' },
    { name: 'prediction', type: 'double', doc: 'Drop-out probability, 0 to 1' },
    { name: 'created_date', type: 'timestamp_ms', doc: 'When the model scored the learner (event time), epoch milliseconds' },
  ],
  keyField: 'userid',
  timestampField: 'created_date',
  formats: ['JSON'],
});
