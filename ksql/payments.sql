-- Payments: payment instructions from the payments HTTP API, produced in three
-- formats through Schema Registry, merged into one stream and checked by anti-fraud rules.
--
-- Run by hand with:  RUN SCRIPT '/path/to/ksql/payments.sql';
-- The deployment applies each statement on its own, in dependency order, with
-- auto.offset.reset=earliest; this SET gives the ksql CLI the same behaviour.
SET 'auto.offset.reset'='earliest';

-- ---------------------------------------------------------------------------------------------
-- One stream per wire format. The columns are those of generators/datasets/payments.schema.ts;
-- ksqlDB could infer them from Schema Registry for AVRO and PROTOBUF, but they are declared so
-- that the synth-time check compares them with the dataset schema. The payments API must have
-- registered its schemas before these run: ksqlDB registers its own schema for a subject that
-- does not exist yet, and the API's schema would then be incompatible with it.
-- ---------------------------------------------------------------------------------------------

-- Payments the API wrote to payment_json as JSON with a registered JSON Schema (Confluent JSON_SR framing: magic byte + schema id).
CREATE STREAM PAYMENTS_JSON (
  ID VARCHAR,
  PAYEE_BANK VARCHAR,
  PAYEE_ACCOUNT_NO BIGINT,
  PAYMENT_AMOUNT DOUBLE,
  PAYMENT_METHOD VARCHAR,
  PAYOR_ACCOUNT_NO INTEGER,
  CREATED_AT BIGINT
) WITH (KAFKA_TOPIC='payment_json', VALUE_FORMAT='JSON_SR', TIMESTAMP='created_at');

-- Payments the API wrote as Avro (Confluent wire format) to payment_avro.
CREATE STREAM PAYMENTS_AVRO (
  ID VARCHAR,
  PAYEE_BANK VARCHAR,
  PAYEE_ACCOUNT_NO BIGINT,
  PAYMENT_AMOUNT DOUBLE,
  PAYMENT_METHOD VARCHAR,
  PAYOR_ACCOUNT_NO INTEGER,
  CREATED_AT BIGINT
) WITH (KAFKA_TOPIC='payment_avro', VALUE_FORMAT='AVRO', TIMESTAMP='created_at');

-- Payments the API wrote as Protobuf (Confluent wire format) to payment_protobuf.
CREATE STREAM PAYMENTS_PROTOBUF (
  ID VARCHAR,
  PAYEE_BANK VARCHAR,
  PAYEE_ACCOUNT_NO BIGINT,
  PAYMENT_AMOUNT DOUBLE,
  PAYMENT_METHOD VARCHAR,
  PAYOR_ACCOUNT_NO INTEGER,
  CREATED_AT BIGINT
) WITH (KAFKA_TOPIC='payment_protobuf', VALUE_FORMAT='PROTOBUF', TIMESTAMP='created_at');

-- ---------------------------------------------------------------------------------------------
-- All payments, whatever their format, in one JSON stream: the anti-fraud rules must see a
-- payor's payments from every channel. ksqlDB has no UNION, so the JSON stream creates it and
-- one INSERT INTO per other format feeds it (same columns, same order). SOURCE_FORMAT says which
-- endpoint a payment came through; PAYEE and PAYMENT_PAIR identify the payee and the
-- payor/payee pair as single strings, so that they can key aggregations and Elasticsearch ids.
-- Event time stays the payment's CREATED_AT (a CREATE ... AS SELECT keeps the source ROWTIME).
-- ---------------------------------------------------------------------------------------------
CREATE STREAM PAYMENTS_ALL_FORMATS WITH (KAFKA_TOPIC='payments_all_formats', VALUE_FORMAT='JSON') AS
  SELECT
    ID,
    PAYEE_BANK,
    PAYEE_ACCOUNT_NO,
    PAYMENT_AMOUNT,
    PAYMENT_METHOD,
    PAYOR_ACCOUNT_NO,
    CREATED_AT,
    'JSON' AS SOURCE_FORMAT,
    CONCAT(PAYEE_BANK, '/', CAST(PAYEE_ACCOUNT_NO AS VARCHAR)) AS PAYEE,
    CONCAT(CAST(PAYOR_ACCOUNT_NO AS VARCHAR), ' -> ', PAYEE_BANK, '/', CAST(PAYEE_ACCOUNT_NO AS VARCHAR)) AS PAYMENT_PAIR
  FROM PAYMENTS_JSON
  EMIT CHANGES;

INSERT INTO PAYMENTS_ALL_FORMATS WITH (QUERY_ID='PAYMENTS_ALL_FORMATS_FROM_AVRO')
  SELECT
    ID,
    PAYEE_BANK,
    PAYEE_ACCOUNT_NO,
    PAYMENT_AMOUNT,
    PAYMENT_METHOD,
    PAYOR_ACCOUNT_NO,
    CREATED_AT,
    'AVRO' AS SOURCE_FORMAT,
    CONCAT(PAYEE_BANK, '/', CAST(PAYEE_ACCOUNT_NO AS VARCHAR)) AS PAYEE,
    CONCAT(CAST(PAYOR_ACCOUNT_NO AS VARCHAR), ' -> ', PAYEE_BANK, '/', CAST(PAYEE_ACCOUNT_NO AS VARCHAR)) AS PAYMENT_PAIR
  FROM PAYMENTS_AVRO
  EMIT CHANGES;

INSERT INTO PAYMENTS_ALL_FORMATS WITH (QUERY_ID='PAYMENTS_ALL_FORMATS_FROM_PROTOBUF')
  SELECT
    ID,
    PAYEE_BANK,
    PAYEE_ACCOUNT_NO,
    PAYMENT_AMOUNT,
    PAYMENT_METHOD,
    PAYOR_ACCOUNT_NO,
    CREATED_AT,
    'PROTOBUF' AS SOURCE_FORMAT,
    CONCAT(PAYEE_BANK, '/', CAST(PAYEE_ACCOUNT_NO AS VARCHAR)) AS PAYEE,
    CONCAT(CAST(PAYOR_ACCOUNT_NO AS VARCHAR), ' -> ', PAYEE_BANK, '/', CAST(PAYEE_ACCOUNT_NO AS VARCHAR)) AS PAYMENT_PAIR
  FROM PAYMENTS_PROTOBUF
  EMIT CHANGES;

-- Throughput per format and minute: how many payments, and how much money, each endpoint took.
CREATE TABLE PAYMENTS_PER_FORMAT_PER_MINUTE WITH (KAFKA_TOPIC='payments_per_format_per_minute', VALUE_FORMAT='JSON') AS
  SELECT
    SOURCE_FORMAT AS FORMAT_KEY,
    AS_VALUE(SOURCE_FORMAT) AS SOURCE_FORMAT,
    WINDOWSTART AS WINDOW_START,
    WINDOWEND AS WINDOW_END,
    COUNT(*) AS PAYMENT_COUNT,
    SUM(PAYMENT_AMOUNT) AS TOTAL_AMOUNT
  FROM PAYMENTS_ALL_FORMATS
  WINDOW TUMBLING (SIZE 1 MINUTE)
  GROUP BY SOURCE_FORMAT
  EMIT CHANGES;

-- ---------------------------------------------------------------------------------------------
-- Anti-fraud rule 1, structuring (31 U.S.C. 5324): between the same payor and payee, payments
-- that are each under the 10,000 reporting threshold but together exceed it within 24 hours.
-- Only sub-threshold payments are counted (WHERE before the aggregation). The 24-hour windows
-- hop every hour, so any run of payments spanning at most 23 hours falls into one window
-- whatever the time of day; a pair that structures therefore appears in up to 24 overlapping
-- windows, one row per window. PAYMENT_STRUCTURING_SUSPECTS below keeps one row per pair.
-- ---------------------------------------------------------------------------------------------
CREATE TABLE PAYMENT_STRUCTURING_ALERTS WITH (KAFKA_TOPIC='payment_structuring_alerts', VALUE_FORMAT='JSON') AS
  SELECT
    PAYMENT_PAIR AS PAIR_KEY,
    AS_VALUE(PAYMENT_PAIR) AS PAYMENT_PAIR,
    LATEST_BY_OFFSET(PAYOR_ACCOUNT_NO) AS PAYOR_ACCOUNT_NO,
    LATEST_BY_OFFSET(PAYEE) AS PAYEE,
    WINDOWSTART AS WINDOW_START,
    WINDOWEND AS WINDOW_END,
    COUNT(*) AS PAYMENT_COUNT,
    SUM(PAYMENT_AMOUNT) AS TOTAL_AMOUNT,
    MAX(PAYMENT_AMOUNT) AS LARGEST_PAYMENT
  FROM PAYMENTS_ALL_FORMATS
  WINDOW HOPPING (SIZE 24 HOURS, ADVANCE BY 1 HOUR, GRACE PERIOD 10 MINUTES)
  WHERE PAYMENT_AMOUNT < 10000
  GROUP BY PAYMENT_PAIR
  HAVING SUM(PAYMENT_AMOUNT) > 10000
  EMIT CHANGES;

-- The alerts' rows as a stream of updates, to re-key them by pair (ksqlDB runs no persistent
-- query on a windowed table). Its key (the pair and the window start) is not read; rows a
-- window deletes (tombstones) carry no value and are skipped.
CREATE STREAM PAYMENT_STRUCTURING_ALERT_UPDATES (
  PAYMENT_PAIR VARCHAR,
  PAYOR_ACCOUNT_NO INTEGER,
  PAYEE VARCHAR,
  WINDOW_START BIGINT,
  WINDOW_END BIGINT,
  PAYMENT_COUNT BIGINT,
  TOTAL_AMOUNT DOUBLE,
  LARGEST_PAYMENT DOUBLE
) WITH (KAFKA_TOPIC='payment_structuring_alerts', VALUE_FORMAT='JSON');

-- Each suspect pair once, with its latest figures: those of the 24 hours up to (the end of the
-- hour of) its newest alerting payment. A payment updates the 24 windows that hold it; an
-- update's time is the newest payment of its window, and exactly one of those windows holds
-- that payment in its last hour: the window covering the 23-24 hours before it, which holds
-- the most of the pair's payments. Only that window's update is kept (WINDOW_END - ROWTIME at
-- most 1 hour), so a payment that brings the pair over the limit again replaces the figures,
-- and one that does not leaves the last alerting figures in place.
-- LAST_PAYMENT_TS, the newest payment counted, is the row's time for the dashboard.
CREATE TABLE PAYMENT_STRUCTURING_SUSPECTS WITH (KAFKA_TOPIC='payment_structuring_suspects', VALUE_FORMAT='JSON') AS
  SELECT
    PAYMENT_PAIR AS PAIR_KEY,
    AS_VALUE(PAYMENT_PAIR) AS PAYMENT_PAIR,
    LATEST_BY_OFFSET(PAYOR_ACCOUNT_NO) AS PAYOR_ACCOUNT_NO,
    LATEST_BY_OFFSET(PAYEE) AS PAYEE,
    LATEST_BY_OFFSET(ROWTIME) AS LAST_PAYMENT_TS,
    LATEST_BY_OFFSET(WINDOW_START) AS WINDOW_START_TS,
    LATEST_BY_OFFSET(WINDOW_END) AS WINDOW_END_TS,
    LATEST_BY_OFFSET(PAYMENT_COUNT) AS PAYMENT_COUNT,
    LATEST_BY_OFFSET(TOTAL_AMOUNT) AS TOTAL_AMOUNT,
    LATEST_BY_OFFSET(LARGEST_PAYMENT) AS LARGEST_PAYMENT
  FROM PAYMENT_STRUCTURING_ALERT_UPDATES
  WHERE WINDOW_END - ROWTIME <= 3600000
  GROUP BY PAYMENT_PAIR
  EMIT CHANGES;

-- ---------------------------------------------------------------------------------------------
-- Anti-fraud rule 2, fan-out (our design): one payor paying five or more different payees
-- within ten minutes. Money leaving a taken-over account, or being spread across mule accounts,
-- looks like this, while ordinary payors pay one or two payees in such a short time.
-- The payees are counted exactly, as the size of their set: COUNT_DISTINCT is a HyperLogLog
-- estimate, which counts two payees sharing a register as one and so misses alerts (see
-- ksql/tests/payments.cases.ts). The set holds at most ksql.functions.collect_set.limit (1000)
-- payees, far above the 5 the rule needs.
-- ---------------------------------------------------------------------------------------------
CREATE TABLE PAYMENT_FANOUT_ALERTS WITH (KAFKA_TOPIC='payment_fanout_alerts', VALUE_FORMAT='JSON') AS
  SELECT
    PAYOR_ACCOUNT_NO AS PAYOR_KEY,
    AS_VALUE(PAYOR_ACCOUNT_NO) AS PAYOR_ACCOUNT_NO,
    WINDOWSTART AS WINDOW_START,
    WINDOWEND AS WINDOW_END,
    ARRAY_LENGTH(COLLECT_SET(PAYEE)) AS DISTINCT_PAYEES,
    COUNT(*) AS PAYMENT_COUNT,
    SUM(PAYMENT_AMOUNT) AS TOTAL_AMOUNT
  FROM PAYMENTS_ALL_FORMATS
  WINDOW TUMBLING (SIZE 10 MINUTES, GRACE PERIOD 1 MINUTE)
  GROUP BY PAYOR_ACCOUNT_NO
  HAVING ARRAY_LENGTH(COLLECT_SET(PAYEE)) >= 5
  EMIT CHANGES;

-- ---------------------------------------------------------------------------------------------
-- Anti-fraud rule 3, reportable payments: single payments at or above the 10,000 threshold,
-- which a bank must report (and which structuring tries to avoid), as a queue for inspection.
-- ---------------------------------------------------------------------------------------------
CREATE STREAM PAYMENTS_OVER_THRESHOLD WITH (KAFKA_TOPIC='payments_over_threshold', VALUE_FORMAT='JSON') AS
  SELECT *
  FROM PAYMENTS_ALL_FORMATS
  WHERE PAYMENT_AMOUNT >= 10000
  EMIT CHANGES;
