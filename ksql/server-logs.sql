-- Server logs: web server log events, per-host error anomalies (an error storm is
-- five or more 5xx responses from one host within a minute) and the count of events per status.
--
-- Run by hand with:  RUN SCRIPT '/path/to/ksql/server-logs.sql';
-- The deployment applies each statement on its own, in dependency order, with
-- auto.offset.reset=earliest; this SET gives the ksql CLI the same behaviour.
SET 'auto.offset.reset'='earliest';

-- Every log event, as generators/datasets/server_logs.schema.ts defines it. The generator keys
-- events by host, so HOST is read from the message key and per-host aggregations need no
-- repartition.
CREATE STREAM SERVER_LOGS (
  HOST VARCHAR KEY,
  TS BIGINT,
  SERVICE VARCHAR,
  METHOD VARCHAR,
  PATH VARCHAR,
  STATUS INTEGER,
  LATENCY_MS INTEGER,
  MESSAGE VARCHAR
) WITH (KAFKA_TOPIC='server_logs', VALUE_FORMAT='JSON', TIMESTAMP='ts');

-- Server errors only (HTTP status 500 and above), for inspecting what went wrong.
CREATE STREAM SERVER_ERRORS WITH (KAFKA_TOPIC='server_errors', VALUE_FORMAT='JSON') AS
  SELECT *
  FROM SERVER_LOGS
  WHERE STATUS >= 500
  EMIT CHANGES;

-- The anomaly alert: hosts with at least 5 errors in a 1-minute tumbling window (like a CloudWatch
-- alarm). Only windows that reach the threshold appear; the key is the host and the window, the
-- value repeats the host and the window bounds so a dashboard can plot them.
CREATE TABLE SERVER_ERROR_ANOMALIES WITH (KAFKA_TOPIC='server_error_anomalies', VALUE_FORMAT='JSON') AS
  SELECT
    HOST AS HOST_KEY,
    AS_VALUE(HOST) AS HOST,
    WINDOWSTART AS WINDOW_START,
    WINDOWEND AS WINDOW_END,
    COUNT(*) AS ERROR_COUNT,
    LATEST_BY_OFFSET(MESSAGE) AS LAST_ERROR_MESSAGE
  FROM SERVER_LOGS
  WINDOW TUMBLING (SIZE 1 MINUTE)
  WHERE STATUS >= 500
  GROUP BY HOST
  HAVING COUNT(*) >= 5
  EMIT CHANGES;

-- Total events per HTTP status since the beginning of the topic (not windowed). LAST_EVENT_TS,
-- the time of the newest event counted, gives each row a time, which a dashboard's time range
-- filters on.
CREATE TABLE SERVER_EVENTS_PER_STATUS WITH (KAFKA_TOPIC='server_events_per_status', VALUE_FORMAT='JSON') AS
  SELECT
    STATUS AS STATUS_KEY,
    AS_VALUE(STATUS) AS STATUS,
    COUNT(*) AS EVENT_COUNT,
    MAX(TS) AS LAST_EVENT_TS
  FROM SERVER_LOGS
  GROUP BY STATUS
  EMIT CHANGES;

-- Events per HTTP status and minute (tumbling): how the mix of statuses changes over time.
CREATE TABLE SERVER_EVENTS_PER_STATUS_PER_MINUTE WITH (KAFKA_TOPIC='server_events_per_status_per_minute', VALUE_FORMAT='JSON') AS
  SELECT
    STATUS AS STATUS_KEY,
    AS_VALUE(STATUS) AS STATUS,
    WINDOWSTART AS WINDOW_START,
    WINDOWEND AS WINDOW_END,
    COUNT(*) AS EVENT_COUNT
  FROM SERVER_LOGS
  WINDOW TUMBLING (SIZE 1 MINUTE)
  GROUP BY STATUS
  EMIT CHANGES;

-- Requests, errors and latency per service and minute, the context an anomaly is read in.
CREATE TABLE SERVER_REQUESTS_PER_MINUTE WITH (KAFKA_TOPIC='server_requests_per_minute', VALUE_FORMAT='JSON') AS
  SELECT
    SERVICE AS SERVICE_KEY,
    AS_VALUE(SERVICE) AS SERVICE,
    WINDOWSTART AS WINDOW_START,
    WINDOWEND AS WINDOW_END,
    COUNT(*) AS REQUEST_COUNT,
    SUM(CASE WHEN STATUS >= 500 THEN 1 ELSE 0 END) AS ERROR_COUNT,
    AVG(LATENCY_MS) AS AVG_LATENCY_MS,
    MAX(LATENCY_MS) AS MAX_LATENCY_MS
  FROM SERVER_LOGS
  WINDOW TUMBLING (SIZE 1 MINUTE)
  GROUP BY SERVICE
  EMIT CHANGES;
