/**
 * moodle_logs generator: learners 1..N working in sessions. A learner does a run of activities in
 * one of their courses, then rests for 1.2 to 2 times the session gap, so ksqlDB's session windows
 * (gap `--session-gap-ms`, 15 minutes in the pipeline) see distinct sessions. When every learner
 * rests, the generator pauses until the first one comes back. Rows go to the database; `id` is
 * assigned there (AUTO_INCREMENT), and the generator numbers rows 1, 2, ... itself only for --stdout.
 */
import { numberFlag, pause, records, type DatasetModule, type FlagSpec } from '../dataset-module';
import { moodleLogsSchema } from './moodle_logs.schema';

/** Moodle event classes with their component and action, as Moodle's standard log stores them. */
const EVENTS: ReadonlyArray<{ readonly eventname: string; readonly component: string; readonly action: string; readonly weight: number }> = [
  { eventname: '\\core\\event\\course_viewed', component: 'core', action: 'viewed', weight: 30 },
  { eventname: '\\mod_resource\\event\\course_module_viewed', component: 'mod_resource', action: 'viewed', weight: 20 },
  { eventname: '\\mod_page\\event\\course_module_viewed', component: 'mod_page', action: 'viewed', weight: 15 },
  { eventname: '\\mod_forum\\event\\discussion_viewed', component: 'mod_forum', action: 'viewed', weight: 10 },
  { eventname: '\\mod_forum\\event\\post_created', component: 'mod_forum', action: 'created', weight: 4 },
  { eventname: '\\mod_quiz\\event\\attempt_started', component: 'mod_quiz', action: 'started', weight: 6 },
  { eventname: '\\mod_quiz\\event\\attempt_submitted', component: 'mod_quiz', action: 'submitted', weight: 5 },
  { eventname: '\\mod_assign\\event\\assessable_submitted', component: 'mod_assign', action: 'submitted', weight: 4 },
  { eventname: '\\core\\event\\user_loggedin', component: 'core', action: 'loggedin', weight: 6 },
];

export const MOODLE_LOGS_FLAGS: readonly FlagSpec[] = [
  { name: 'users', kind: 'integer', default: 50, min: 1, max: 1_000_000, description: 'Learners, user ids 1..N (same ids as moodle_predictions --users)' },
  { name: 'courses', kind: 'integer', default: 12, min: 1, max: 1_000_000, description: 'Courses, ids 1..N' },
  { name: 'session-gap-ms', kind: 'integer', default: 900_000, min: 1, description: "The ksqlDB session window's inactivity gap; learners rest 1.2-2 times it between sessions" },
  { name: 'session-activities', kind: 'integer', default: 12, min: 1, max: 100_000, description: 'Most activities in one session (each session does 1..N)' },
];

interface Learner {
  readonly userid: number;
  readonly courses: readonly number[];
  remaining: number;
  course: number;
  restUntil: number;
}

export const moodleLogsModule: DatasetModule = {
  schema: moodleLogsSchema,
  flags: MOODLE_LOGS_FLAGS,
  create({ faker, flags }) {
    const gapMs = numberFlag(flags, 'session-gap-ms');
    const maxActivities = numberFlag(flags, 'session-activities');
    const courseCount = numberFlag(flags, 'courses');
    const learners: Learner[] = Array.from({ length: numberFlag(flags, 'users') }, (_, i) => {
      const courses = faker.helpers.uniqueArray(() => faker.number.int({ min: 1, max: courseCount }), Math.min(courseCount, faker.number.int({ min: 1, max: 3 })));
      return { userid: i + 1, courses, remaining: 0, course: courses[0], restUntil: 0 };
    });
    let rowId = 0;
    return {
      next(now) {
        const awake = learners.filter((learner) => learner.restUntil <= now);
        if (awake.length === 0) return pause(Math.min(...learners.map((learner) => learner.restUntil)) - now);
        const learner = faker.helpers.arrayElement(awake);
        if (learner.remaining === 0) {
          learner.remaining = faker.number.int({ min: 1, max: maxActivities });
          learner.course = faker.helpers.arrayElement(learner.courses);
        }
        learner.remaining -= 1;
        if (learner.remaining === 0) learner.restUntil = now + Math.ceil(gapMs * faker.number.float({ min: 1.2, max: 2 }));
        const event = faker.helpers.weightedArrayElement(EVENTS.map((value) => ({ value, weight: value.weight })));
        rowId += 1;
        return records({
          id: rowId,
          eventname: event.eventname,
          component: event.component,
          action: event.action,
          userid: learner.userid,
          courseid: event.eventname === '\\core\\event\\user_loggedin' ? 0 : learner.course,
          timecreated: now,
        });
      },
    };
  },
};
