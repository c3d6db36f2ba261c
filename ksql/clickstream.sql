-- Clickstream (after Confluent's clickstream demo): web clicks enriched with users and HTTP
-- status definitions; traffic, pages, errors and their alert, user sessions, user IP activity,
-- bandwidth per minute and per session, and high-bandwidth sessions.
--
-- Run by hand with:  RUN SCRIPT '/path/to/ksql/clickstream.sql';
-- The deployment applies each statement on its own, in dependency order, with
-- auto.offset.reset=earliest; this SET gives the ksql CLI the same behaviour.
SET 'auto.offset.reset'='earliest';

-- ---------------------------------------------------------------------------------------------
-- Sources, as generators/datasets/clickstream*.schema.ts define them. The three generators key
-- their records by the decimal string of the user id / status code, so those columns are read
-- from the message key as VARCHAR. Clicks and users share the key (the user id string), so the
-- user join needs no repartition.
-- ---------------------------------------------------------------------------------------------

-- Every click.
CREATE STREAM CLICKSTREAM (
  USERID VARCHAR KEY,
  IP VARCHAR,
  REMOTE_USER VARCHAR,
  REQUEST VARCHAR,
  STATUS INTEGER,
  BYTES BIGINT,
  AGENT VARCHAR,
  REFERRER VARCHAR,
  TS BIGINT
) WITH (KAFKA_TOPIC='clickstream', VALUE_FORMAT='JSON', TIMESTAMP='ts');

-- HTTP status codes and what they mean: a reference table, one row per code.
CREATE TABLE CLICKSTREAM_CODES (
  CODE VARCHAR PRIMARY KEY,
  DEFINITION VARCHAR
) WITH (KAFKA_TOPIC='clickstream_codes', VALUE_FORMAT='JSON');

-- Registered users of the site: a reference table, one row per user.
CREATE TABLE CLICKSTREAM_USERS (
  USER_ID VARCHAR PRIMARY KEY,
  USERNAME VARCHAR,
  REGISTERED_AT BIGINT,
  FIRST_NAME VARCHAR,
  LAST_NAME VARCHAR,
  CITY VARCHAR,
  LEVEL VARCHAR
) WITH (KAFKA_TOPIC='clickstream_users', VALUE_FORMAT='JSON');

-- ---------------------------------------------------------------------------------------------
-- Site traffic
-- ---------------------------------------------------------------------------------------------

-- Clicks per user and minute (tumbling): general hit counts.
CREATE TABLE EVENTS_PER_MIN WITH (KAFKA_TOPIC='events_per_min', VALUE_FORMAT='JSON') AS
  SELECT
    USERID AS USER_KEY,
    AS_VALUE(USERID) AS USERID,
    WINDOWSTART AS WINDOW_START,
    WINDOWEND AS WINDOW_END,
    COUNT(*) AS EVENTS
  FROM CLICKSTREAM
  WINDOW TUMBLING (SIZE 60 SECONDS)
  GROUP BY USERID
  EMIT CHANGES;

-- HTML page views per user over the last minute, updated every 5 seconds (hopping).
CREATE TABLE PAGES_PER_MIN WITH (KAFKA_TOPIC='pages_per_min', VALUE_FORMAT='JSON') AS
  SELECT
    USERID AS USER_KEY,
    AS_VALUE(USERID) AS USERID,
    WINDOWSTART AS WINDOW_START,
    WINDOWEND AS WINDOW_END,
    COUNT(*) AS PAGES
  FROM CLICKSTREAM
  WINDOW HOPPING (SIZE 60 SECONDS, ADVANCE BY 5 SECONDS)
  WHERE REQUEST LIKE '%html%'
  GROUP BY USERID
  EMIT CHANGES;

-- ---------------------------------------------------------------------------------------------
-- Errors
-- ---------------------------------------------------------------------------------------------

-- Failed requests (status 400 and above) with the meaning of their status code: a stream-table
-- join on the code. The click's STATUS becomes the join key as a string, like the table's key;
-- a code missing from the table leaves DEFINITION null (LEFT JOIN).
CREATE STREAM ENRICHED_ERROR_CODES WITH (KAFKA_TOPIC='enriched_error_codes', VALUE_FORMAT='JSON') AS
  SELECT
    CC.CODE AS CODE,
    C.STATUS AS STATUS,
    CC.DEFINITION AS DEFINITION,
    C.USERID AS USERID,
    C.IP AS IP,
    C.REQUEST AS REQUEST,
    C.TS AS TS
  FROM CLICKSTREAM C
  LEFT JOIN CLICKSTREAM_CODES CC ON CAST(C.STATUS AS VARCHAR) = CC.CODE
  WHERE C.STATUS >= 400
  EMIT CHANGES;

-- How often each error code occurred, per 30 seconds, with its definition.
CREATE TABLE ENRICHED_ERROR_CODES_COUNT WITH (KAFKA_TOPIC='enriched_error_codes_count', VALUE_FORMAT='JSON') AS
  SELECT
    STATUS AS STATUS_KEY,
    AS_VALUE(STATUS) AS STATUS,
    LATEST_BY_OFFSET(DEFINITION) AS DEFINITION,
    WINDOWSTART AS WINDOW_START,
    WINDOWEND AS WINDOW_END,
    COUNT(*) AS ERROR_COUNT
  FROM ENRICHED_ERROR_CODES
  WINDOW TUMBLING (SIZE 30 SECONDS)
  GROUP BY STATUS
  EMIT CHANGES;

-- Errors per status code over the last minute, updated every 5 seconds.
CREATE TABLE ERRORS_PER_MIN WITH (KAFKA_TOPIC='errors_per_min', VALUE_FORMAT='JSON') AS
  SELECT
    STATUS AS STATUS_KEY,
    AS_VALUE(STATUS) AS STATUS,
    WINDOWSTART AS WINDOW_START,
    WINDOWEND AS WINDOW_END,
    COUNT(*) AS ERRORS
  FROM CLICKSTREAM
  WINDOW HOPPING (SIZE 60 SECONDS, ADVANCE BY 5 SECONDS)
  WHERE STATUS >= 400
  GROUP BY STATUS
  EMIT CHANGES;

-- The alert: a status code with more than 5 errors within a minute (windows advance every 20
-- seconds). Only windows over the threshold appear.
CREATE TABLE ERRORS_PER_MIN_ALERT WITH (KAFKA_TOPIC='errors_per_min_alert', VALUE_FORMAT='JSON') AS
  SELECT
    STATUS AS STATUS_KEY,
    AS_VALUE(STATUS) AS STATUS,
    WINDOWSTART AS WINDOW_START,
    WINDOWEND AS WINDOW_END,
    COUNT(*) AS ERRORS
  FROM CLICKSTREAM
  WINDOW HOPPING (SIZE 60 SECONDS, ADVANCE BY 20 SECONDS)
  WHERE STATUS >= 400
  GROUP BY STATUS
  HAVING COUNT(*) > 5
  EMIT CHANGES;

-- ---------------------------------------------------------------------------------------------
-- Users
-- ---------------------------------------------------------------------------------------------

-- Every click with the user who made it: a stream-table join on the shared key (the user id).
-- A click of an unknown user keeps null user columns (LEFT JOIN).
CREATE STREAM USER_CLICKSTREAM WITH (KAFKA_TOPIC='user_clickstream', VALUE_FORMAT='JSON') AS
  SELECT
    C.USERID AS USERID,
    U.USERNAME AS USERNAME,
    U.FIRST_NAME AS FIRST_NAME,
    U.LAST_NAME AS LAST_NAME,
    U.CITY AS CITY,
    U.LEVEL AS LEVEL,
    C.IP AS IP,
    C.REQUEST AS REQUEST,
    C.STATUS AS STATUS,
    C.BYTES AS BYTES,
    C.AGENT AS AGENT,
    C.TS AS TS
  FROM CLICKSTREAM C
  LEFT JOIN CLICKSTREAM_USERS U ON C.USERID = U.USER_ID
  EMIT CHANGES;

-- Which users click from which IP addresses (and cities), per minute: a user seen from several
-- addresses, or an address shared by several users, stands out. USER_IP ("username @ ip") is
-- the one grouping key, so the key stays a single column; clicks of unknown users (null
-- USERNAME) are left out.
CREATE TABLE USER_IP_ACTIVITY WITH (KAFKA_TOPIC='user_ip_activity', VALUE_FORMAT='JSON') AS
  SELECT
    CONCAT(USERNAME, ' @ ', IP) AS USER_IP_KEY,
    AS_VALUE(CONCAT(USERNAME, ' @ ', IP)) AS USER_IP,
    LATEST_BY_OFFSET(USERNAME) AS USERNAME,
    LATEST_BY_OFFSET(IP) AS IP,
    LATEST_BY_OFFSET(CITY) AS CITY,
    WINDOWSTART AS WINDOW_START,
    WINDOWEND AS WINDOW_END,
    COUNT(*) AS CLICK_COUNT
  FROM USER_CLICKSTREAM
  WINDOW TUMBLING (SIZE 60 SECONDS)
  WHERE USERNAME IS NOT NULL
  GROUP BY CONCAT(USERNAME, ' @ ', IP)
  HAVING COUNT(*) > 1
  EMIT CHANGES;

-- Sessions: a user's clicks until a pause of more than 30 seconds. When a click extends or
-- merges sessions, ksqlDB deletes the old session rows (tombstones) and writes the new one.
CREATE TABLE CLICK_USER_SESSIONS WITH (KAFKA_TOPIC='click_user_sessions', VALUE_FORMAT='JSON') AS
  SELECT
    USERNAME AS USER_KEY,
    AS_VALUE(USERNAME) AS USERNAME,
    WINDOWSTART AS SESSION_START,
    WINDOWEND AS SESSION_END,
    COUNT(*) AS EVENTS
  FROM USER_CLICKSTREAM
  WINDOW SESSION (30 SECONDS)
  WHERE USERNAME IS NOT NULL
  GROUP BY USERNAME
  EMIT CHANGES;

-- ---------------------------------------------------------------------------------------------
-- Bandwidth
-- ---------------------------------------------------------------------------------------------

-- Bytes served per user and minute.
CREATE TABLE BANDWIDTH_PER_MIN WITH (KAFKA_TOPIC='bandwidth_per_min', VALUE_FORMAT='JSON') AS
  SELECT
    USERNAME AS USER_KEY,
    AS_VALUE(USERNAME) AS USERNAME,
    WINDOWSTART AS WINDOW_START,
    WINDOWEND AS WINDOW_END,
    SUM(BYTES) AS TOTAL_BYTES
  FROM USER_CLICKSTREAM
  WINDOW TUMBLING (SIZE 60 SECONDS)
  WHERE USERNAME IS NOT NULL
  GROUP BY USERNAME
  EMIT CHANGES;

-- Bytes served per user session (same 30-second gap as CLICK_USER_SESSIONS).
CREATE TABLE USER_SESSION_BANDWIDTH WITH (KAFKA_TOPIC='user_session_bandwidth', VALUE_FORMAT='JSON') AS
  SELECT
    USERNAME AS USER_KEY,
    AS_VALUE(USERNAME) AS USERNAME,
    WINDOWSTART AS SESSION_START,
    WINDOWEND AS SESSION_END,
    SUM(BYTES) AS TOTAL_BYTES,
    COUNT(*) AS EVENTS
  FROM USER_CLICKSTREAM
  WINDOW SESSION (30 SECONDS)
  WHERE USERNAME IS NOT NULL
  GROUP BY USERNAME
  EMIT CHANGES;

-- Sessions that moved more than 500 MB (500,000,000 bytes). ksqlDB runs no persistent query on a
-- windowed table, so this cannot filter USER_SESSION_BANDWIDTH: it is the same session
-- aggregation with a HAVING clause. A session crossing the limit appears from then on; a
-- session that merges into another is deleted (tombstone) and the merged one takes its place.
CREATE TABLE HIGH_BANDWIDTH_SESSIONS WITH (KAFKA_TOPIC='high_bandwidth_sessions', VALUE_FORMAT='JSON') AS
  SELECT
    USERNAME AS USER_KEY,
    AS_VALUE(USERNAME) AS USERNAME,
    WINDOWSTART AS SESSION_START,
    WINDOWEND AS SESSION_END,
    SUM(BYTES) AS TOTAL_BYTES,
    COUNT(*) AS EVENTS
  FROM USER_CLICKSTREAM
  WINDOW SESSION (30 SECONDS)
  WHERE USERNAME IS NOT NULL
  GROUP BY USERNAME
  HAVING SUM(BYTES) > 500000000
  EMIT CHANGES;
