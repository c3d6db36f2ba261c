-- Ratings: product ratings of 1 to 5 stars, bad ratings (below 3) as soon as they
-- happen so customer relations can follow up, and a per-product table to rank the worst products.
--
-- Run by hand with:  RUN SCRIPT '/path/to/ksql/ratings.sql';
SET 'auto.offset.reset'='earliest';

-- Every rating, as generators/datasets/ratings.schema.ts defines it. Ratings are keyed by product,
-- so PRODUCT comes from the message key and the per-product table needs no repartition.
CREATE STREAM RATINGS (
  PRODUCT VARCHAR KEY,
  RATING_ID VARCHAR,
  USER_ID VARCHAR,
  STARS INTEGER,
  CHANNEL VARCHAR,
  MESSAGE VARCHAR,
  TS BIGINT
) WITH (KAFKA_TOPIC='ratings', VALUE_FORMAT='JSON', TIMESTAMP='ts');

-- The alert stream: ratings of 1 or 2 stars.
CREATE STREAM BAD_RATINGS WITH (KAFKA_TOPIC='bad_ratings', VALUE_FORMAT='JSON') AS
  SELECT *
  FROM RATINGS
  WHERE STARS < 3
  EMIT CHANGES;

-- Per product since the beginning: average stars, number of ratings, number and share of bad
-- ratings. Sorting it by AVG_STARS (ascending) ranks the worst products; a table holds one
-- current row per product, the ranking itself is the reader's ORDER BY. LAST_RATING_TS, the time
-- of the newest rating, gives each row a time, which a dashboard's time range filters on.
CREATE TABLE PRODUCT_RATING_RANKING WITH (KAFKA_TOPIC='product_rating_ranking', VALUE_FORMAT='JSON') AS
  SELECT
    PRODUCT AS PRODUCT_KEY,
    AS_VALUE(PRODUCT) AS PRODUCT,
    AVG(STARS) AS AVG_STARS,
    COUNT(*) AS RATING_COUNT,
    SUM(CASE WHEN STARS < 3 THEN 1 ELSE 0 END) AS BAD_RATING_COUNT,
    CAST(SUM(CASE WHEN STARS < 3 THEN 1 ELSE 0 END) AS DOUBLE) / COUNT(*) AS BAD_RATING_SHARE,
    MAX(TS) AS LAST_RATING_TS
  FROM RATINGS
  GROUP BY PRODUCT
  EMIT CHANGES;
