/**
 * Statement tests of ksql/moodle.sql (`npm run test:statements -- moodle`): 15-minute session
 * windows per user (a gap of exactly 15 minutes extends a session, a longer one starts the next),
 * the per-user totals over the current sessions, and the at-risk rule (prediction above 0.7).
 */
import { double, type InputRecord, type Json, type PipelineCases } from '../../tools/statement-tests/case';

const T0 = Date.UTC(2026, 0, 1, 8);
const MINUTE = 60_000;
const GAP = 15 * MINUTE;

let nextId = 1;
/** A row of mdl_logstore_standard_log as Debezium writes it (no key is used). */
function activity(userid: number, at: number, action = 'viewed'): InputRecord {
  const id = nextId++;
  return {
    into: 'MOODLE_LOGS',
    value: { id, eventname: '\\core\\event\\course_viewed', component: 'core', action, userid, courseid: 42, timecreated: T0 + at },
  };
}

function session(userid: number, start: number, end: number, activities: number | null) {
  return {
    key: userid,
    window: { type: 'SESSION' as const, start: T0 + start, end: T0 + end },
    value:
      activities === null
        ? null
        : { USERID: userid, SESSION_START: T0 + start, SESSION_END: T0 + end, ACTIVITIES: activities, DURATION_S: Math.floor((end - start) / 1000) },
  };
}

function userActivity(userid: number, activities: number, totalS: number, sessions: number): { key: Json; value: Json } {
  return {
    key: userid,
    value: { USERID: userid, ACTIVITIES: activities, TOTAL_DURATION_S: totalS, AVG_SESSION_DURATION_S: double(sessions === 0 ? 0 : totalS / sessions), SESSIONS: sessions },
  };
}

function prediction(userid: number, value: number, at: number): InputRecord {
  return { into: 'MOODLE_PREDICTIONS', key: String(userid), value: { userid, prediction: value, created_date: T0 + at } };
}

/** A user's activity: two events 15:00 apart, then 15:00.001 of silence, then two more 5:01 apart. */
const SECOND_START = 2 * GAP + 1;
const SECOND_END = SECOND_START + 5 * MINUTE + 1_000;
const SESSION_EVENTS = [activity(7, 0), activity(7, GAP), activity(7, SECOND_START), activity(7, SECOND_END, 'submitted')];

export const cases: PipelineCases = {
  pipeline: 'moodle',
  cases: [
    {
      name: 'sessions: activity within 15 minutes (15:00 exactly included) is one session, after 15:00.001 a new one',
      inputs: SESSION_EVENTS,
      expect: {
        MOODLE_USER_SESSIONS: [
          session(7, 0, 0, 1),
          session(7, 0, 0, null),
          session(7, 0, GAP, 2),
          session(7, SECOND_START, SECOND_START, 1),
          session(7, SECOND_START, SECOND_START, null),
          session(7, SECOND_START, SECOND_END, 2),
        ],
      },
    },
    {
      // MOODLE_USER_SESSION_LOG declares MOODLE_USER_SESSIONS' topic with another key format, so the
      // session rows and the totals are compared in two runs (see tools/statement-tests/build.ts).
      name: 'per-user totals over the current sessions of the case above',
      inputs: SESSION_EVENTS,
      expect: {
        // The totals of the current sessions. A session that grows is deleted and written anew, and
        // the totals show the step in between: without it (no session at all: AVG gives 0.0, where
        // SUM / COUNT(*) divided by 0 and gave a null), then with the grown session. The sessions of
        // 900 s and 301 s average 600.5 s: no truncation to whole seconds.
        MOODLE_USER_ACTIVITY: [
          userActivity(7, 1, 0, 1),
          userActivity(7, 0, 0, 0),
          userActivity(7, 2, 900, 1),
          userActivity(7, 3, 900, 2),
          userActivity(7, 2, 900, 1),
          userActivity(7, 4, 1201, 2),
        ],
      },
    },
    {
      name: 'at risk: a prediction above 0.7 (0.7 itself is not, 0.70001 is)',
      inputs: [prediction(1, 0.7, 0), prediction(2, 0.70001, 1_000), prediction(3, 0.69999, 2_000), prediction(4, 1, 3_000)],
      expect: {
        MOODLE_AT_RISK_STUDENTS: [
          { value: { USERID: 2, PREDICTION: double(0.70001), CREATED_DATE: T0 + 1_000 } },
          { value: { USERID: 4, PREDICTION: double(1), CREATED_DATE: T0 + 3_000 } },
        ],
      },
    },
  ],
};
