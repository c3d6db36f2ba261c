/**
 * moodle_predictions generator: a stand-in for a dropout risk model. Each learner has a
 * stable base risk; a share of learners is at risk (base above 0.7), and each prediction varies
 * a little around the base, as re-scoring a learner would.
 */
import { numberFlag, records, type DatasetModule, type FlagSpec } from '../dataset-module';
import { moodlePredictionsSchema } from './moodle_predictions.schema';

export const AT_RISK_THRESHOLD = 0.7;

export const MOODLE_PREDICTIONS_FLAGS: readonly FlagSpec[] = [
  { name: 'users', kind: 'integer', default: 50, min: 1, max: 1_000_000, description: 'Learners scored, user ids 1..N (same ids as moodle_logs --users)' },
  { name: 'at-risk-share', kind: 'number', default: 0.2, min: 0, max: 1, description: 'Share of learners whose base risk is above 0.7' },
];

export const moodlePredictionsModule: DatasetModule = {
  schema: moodlePredictionsSchema,
  flags: MOODLE_PREDICTIONS_FLAGS,
  create({ faker, flags }) {
    const users = numberFlag(flags, 'users');
    const atRiskShare = numberFlag(flags, 'at-risk-share');
    const baseRisk = Array.from({ length: users }, () =>
      faker.number.float({ min: 0, max: 1 }) < atRiskShare ? faker.number.float({ min: 0.78, max: 0.98 }) : faker.number.float({ min: 0.02, max: 0.62 }),
    );
    return {
      next(now) {
        const index = faker.number.int({ min: 0, max: users - 1 });
        // +-0.05 around the base keeps at-risk learners above 0.7 and the others below it.
        const prediction = Math.min(1, Math.max(0, baseRisk[index] + faker.number.float({ min: -0.05, max: 0.05 })));
        return records({ userid: index + 1, prediction: Math.round(prediction * 10_000) / 10_000, created_date: now });
      },
    };
  },
};
