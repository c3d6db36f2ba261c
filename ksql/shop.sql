-- Shop: e-commerce transactions from ten fixed users, and the shop's income in
-- 3-second windows, written to the topic window_transactions for the Apache Pinot realtime table.
--
-- Run by hand with:  RUN SCRIPT '/path/to/ksql/shop.sql';
SET 'auto.offset.reset'='earliest';

-- The transactions as the shop_transactions generator writes them
-- (generators/datasets/shop_transactions.schema.ts), keyed by user. A user whose id starts with
-- digit d always pays 10*d (0 counts as 10), so every window's income can be checked.
CREATE STREAM SHOP_TRANSACTIONS (
  USER_ID VARCHAR KEY,
  TRANSACTION_ID VARCHAR,
  PRODUCT VARCHAR,
  AMOUNT DOUBLE,
  TS BIGINT
) WITH (KAFKA_TOPIC='shop_transactions', VALUE_FORMAT='JSON', TIMESTAMP='ts');

-- Income per 3-second tumbling window, one row per window for Pinot.
--
-- * All transactions fall into one group: GROUP BY a constant ('shop'), which becomes the key.
-- * EMIT FINAL writes each window once, when it closes (window end + 1 second of grace for late
--   events), instead of every intermediate update: Pinot's realtime table appends rows, so one
--   final row per window keeps SUM(INCOME) in Pinot equal to the shop's real income. A window
--   is written when a later event moves stream time past its end plus grace, so the last
--   window of a run appears with the next transaction.
-- * The value holds everything Pinot ingests, as JSON: WINDOW_START and WINDOW_END (epoch
--   milliseconds; WINDOW_START is the time column), INCOME and TRANSACTION_COUNT.
CREATE TABLE SHOP_INCOME_PER_3_SECONDS WITH (KAFKA_TOPIC='window_transactions', VALUE_FORMAT='JSON') AS
  SELECT
    'shop' AS SHOP,
    WINDOWSTART AS WINDOW_START,
    WINDOWEND AS WINDOW_END,
    SUM(AMOUNT) AS INCOME,
    COUNT(*) AS TRANSACTION_COUNT
  FROM SHOP_TRANSACTIONS
  WINDOW TUMBLING (SIZE 3 SECONDS, GRACE PERIOD 1 SECOND)
  GROUP BY 'shop'
  EMIT FINAL;
