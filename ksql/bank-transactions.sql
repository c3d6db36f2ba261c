-- Bank transactions: deposits and withdrawals per user; very large withdrawals,
-- users whose withdrawals exceed 5,000,000 in a day, and running totals per user.
--
-- Run by hand with:  RUN SCRIPT '/path/to/ksql/bank-transactions.sql';
SET 'auto.offset.reset'='earliest';

-- Every transaction, as generators/datasets/bank_transactions.schema.ts defines it. Keyed by user,
-- so USER_ID comes from the message key and the per-user tables need no repartition.
-- TYPE is 'DEPOSIT' or 'WITHDRAWAL'.
CREATE STREAM BANK_TRANSACTIONS (
  USER_ID VARCHAR KEY,
  TXN_ID VARCHAR,
  ACCOUNT_ID VARCHAR,
  TYPE VARCHAR,
  AMOUNT DOUBLE,
  TS BIGINT
) WITH (KAFKA_TOPIC='bank_transactions', VALUE_FORMAT='JSON', TIMESTAMP='ts');

-- Withdrawals above 1,000,000: single transactions of concern.
CREATE STREAM LARGE_WITHDRAWALS WITH (KAFKA_TOPIC='large_withdrawals', VALUE_FORMAT='JSON') AS
  SELECT *
  FROM BANK_TRANSACTIONS
  WHERE TYPE = 'WITHDRAWAL' AND AMOUNT > 1000000
  EMIT CHANGES;

-- Possible illegal withdrawals: users whose withdrawals add up to more than 5,000,000 within one
-- day (a tumbling 1-day window, midnight to midnight UTC). Only days over the limit appear.
CREATE TABLE SUSPICIOUS_WITHDRAWAL_USERS WITH (KAFKA_TOPIC='suspicious_withdrawal_users', VALUE_FORMAT='JSON') AS
  SELECT
    USER_ID AS USER_KEY,
    AS_VALUE(USER_ID) AS USER_ID,
    WINDOWSTART AS WINDOW_START,
    WINDOWEND AS WINDOW_END,
    SUM(AMOUNT) AS WITHDRAWN_AMOUNT,
    COUNT(*) AS WITHDRAWAL_COUNT
  FROM BANK_TRANSACTIONS
  WINDOW TUMBLING (SIZE 1 DAY)
  WHERE TYPE = 'WITHDRAWAL'
  GROUP BY USER_ID
  HAVING SUM(AMOUNT) > 5000000
  EMIT CHANGES;

-- Running sums per user since the beginning: deposits, withdrawals and their difference.
-- LAST_TRANSACTION_TS, the time of the user's newest transaction, gives each row a time, which a
-- dashboard's time range filters on.
CREATE TABLE USER_TRANSACTION_TOTALS WITH (KAFKA_TOPIC='user_transaction_totals', VALUE_FORMAT='JSON') AS
  SELECT
    USER_ID AS USER_KEY,
    AS_VALUE(USER_ID) AS USER_ID,
    SUM(CASE WHEN TYPE = 'DEPOSIT' THEN AMOUNT ELSE CAST(0 AS DOUBLE) END) AS TOTAL_DEPOSITS,
    SUM(CASE WHEN TYPE = 'WITHDRAWAL' THEN AMOUNT ELSE CAST(0 AS DOUBLE) END) AS TOTAL_WITHDRAWALS,
    SUM(CASE WHEN TYPE = 'DEPOSIT' THEN AMOUNT ELSE -AMOUNT END) AS NET_AMOUNT,
    COUNT(*) AS TRANSACTION_COUNT,
    MAX(TS) AS LAST_TRANSACTION_TS
  FROM BANK_TRANSACTIONS
  GROUP BY USER_ID
  EMIT CHANGES;
