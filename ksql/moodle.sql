-- Moodle: learning-platform activity captured from the database by Debezium (CDC),
-- cut into 15-minute sessions per user, summed per user, and the risk model's predictions with
-- the students at risk of dropping out.
--
-- Run by hand with:  RUN SCRIPT '/path/to/ksql/moodle.sql';
-- The deployment applies each statement on its own, in dependency order, with
-- auto.offset.reset=earliest; this SET gives the ksql CLI the same behaviour.
SET 'auto.offset.reset'='earliest';

-- Rows inserted into mdl_logstore_standard_log, as the Debezium connector writes them: flat JSON
-- rows (ExtractNewRecordState unwraps the change envelope) with exactly the columns of
-- generators/datasets/moodle_logs.schema.ts. The record timestamp on this topic is the time
-- Debezium read the change, so event time comes from TIMECREATED. The key (Debezium's primary
-- key struct) is not used.
CREATE STREAM MOODLE_LOGS (
  ID BIGINT,
  EVENTNAME VARCHAR,
  COMPONENT VARCHAR,
  ACTION VARCHAR,
  USERID BIGINT,
  COURSEID BIGINT,
  TIMECREATED BIGINT
) WITH (KAFKA_TOPIC='moodle.moodle.mdl_logstore_standard_log', VALUE_FORMAT='JSON', TIMESTAMP='timecreated');

-- A user's sessions: activity separated by less than 15 minutes belongs to one session.
-- ACTIVITIES counts the events of the session, DURATION_S its length (last minus first event).
-- An event that extends or joins sessions makes ksqlDB delete the old session rows (tombstones
-- on the topic) and write the merged one, so the topic always describes the current sessions.
CREATE TABLE MOODLE_USER_SESSIONS WITH (KAFKA_TOPIC='moodle_user_sessions', VALUE_FORMAT='JSON') AS
  SELECT
    USERID AS USER_KEY,
    AS_VALUE(USERID) AS USERID,
    WINDOWSTART AS SESSION_START,
    WINDOWEND AS SESSION_END,
    COUNT(*) AS ACTIVITIES,
    (WINDOWEND - WINDOWSTART) / 1000 AS DURATION_S
  FROM MOODLE_LOGS
  WINDOW SESSION (15 MINUTES)
  GROUP BY USERID
  EMIT CHANGES;

-- ---------------------------------------------------------------------------------------------
-- Per-user totals over all sessions. Why the detour through MOODLE_USER_SESSION_LOG:
--
-- * ksqlDB runs no persistent query on a windowed table, so MOODLE_USER_SESSIONS cannot be
--   aggregated directly ("SELECT ... FROM sessions GROUP BY userid" over the windowed table is rejected).
-- * Reading its topic as a STREAM would be wrong: every update of a growing session is a new
--   row, so activities would be counted again with each update, and the tombstones of merged
--   sessions (which a stream ignores) would leave the superseded sessions counted too.
-- * Reading its topic as a non-windowed TABLE is right: each session is one row, keyed by the
--   session's full windowed key (the user id followed by the session's end and start), held as
--   raw BYTES. An update replaces the row, a tombstone deletes it, and an aggregation over a
--   table retracts the old row before adding the new one. So SUM and COUNT over it are always
--   the totals of the current sessions, however sessions grow and merge.
-- ---------------------------------------------------------------------------------------------

-- The current sessions, one row per session (see above): the changelog of MOODLE_USER_SESSIONS.
CREATE TABLE MOODLE_USER_SESSION_LOG (
  SESSION_KEY BYTES PRIMARY KEY,
  USERID BIGINT,
  SESSION_START BIGINT,
  SESSION_END BIGINT,
  ACTIVITIES BIGINT,
  DURATION_S BIGINT
) WITH (KAFKA_TOPIC='moodle_user_sessions', KEY_FORMAT='KAFKA', VALUE_FORMAT='JSON');

-- Per user: activities in all sessions, total and average session duration, number of sessions.
CREATE TABLE MOODLE_USER_ACTIVITY WITH (KAFKA_TOPIC='moodle_user_activity', VALUE_FORMAT='JSON') AS
  SELECT
    USERID AS USER_KEY,
    AS_VALUE(USERID) AS USERID,
    SUM(ACTIVITIES) AS ACTIVITIES,
    SUM(DURATION_S) AS TOTAL_DURATION_S,
    -- AVG, not SUM / COUNT(*): BIGINT division would truncate to whole seconds, and while a
    -- grown session is retracted before its new row is added, COUNT(*) is 0 for a moment (a
    -- division by zero: an error in the processing log and a null). AVG divides as DOUBLE and
    -- gives 0.0 for no sessions.
    AVG(DURATION_S) AS AVG_SESSION_DURATION_S,
    COUNT(*) AS SESSIONS
  FROM MOODLE_USER_SESSION_LOG
  GROUP BY USERID
  EMIT CHANGES;

-- ---------------------------------------------------------------------------------------------
-- Risk predictions
-- ---------------------------------------------------------------------------------------------

-- The risk model's output (generators/datasets/moodle_predictions.schema.ts): for each scored
-- learner, the probability of dropping out.
CREATE STREAM MOODLE_PREDICTIONS (
  USERID BIGINT,
  PREDICTION DOUBLE,
  CREATED_DATE BIGINT
) WITH (KAFKA_TOPIC='moodle_predictions', VALUE_FORMAT='JSON', TIMESTAMP='created_date');

-- Learners at risk: predictions above 0.7.
CREATE STREAM MOODLE_AT_RISK_STUDENTS WITH (KAFKA_TOPIC='moodle_at_risk_students', VALUE_FORMAT='JSON') AS
  SELECT *
  FROM MOODLE_PREDICTIONS
  WHERE PREDICTION > 0.7
  EMIT CHANGES;
