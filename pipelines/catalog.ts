import type { PipelineDecl, PipelineName } from './types';

/**
 * The seven pipelines of the lab. Adding one means an entry here, its ksqlDB script, its datasets'
 * modules under generators/datasets/ (and its dashboards); the stack derives everything else.
 */
export const PIPELINES: Readonly<Record<PipelineName, PipelineDecl>> = {
  'server-logs': {
    name: 'server-logs',
    title: 'Server log anomaly detection',
    datasets: ['server_logs'],
    // An error storm at start: the anomaly table has a row as soon as the pipeline runs.
    generatorArgs: { server_logs: ['--burst'] },
    needs: [],
    sinks: [
      { object: 'SERVER_ERROR_ANOMALIES' },
      { object: 'SERVER_ERRORS' },
      { object: 'SERVER_EVENTS_PER_STATUS' },
      { object: 'SERVER_EVENTS_PER_STATUS_PER_MINUTE' },
      { object: 'SERVER_REQUESTS_PER_MINUTE' },
    ],
    ksqlFile: 'ksql/server-logs.sql',
  },
  ratings: {
    name: 'ratings',
    title: 'Product ratings and bad-rating alerts',
    datasets: ['ratings'],
    needs: [],
    sinks: [
      { object: 'BAD_RATINGS' },
      { object: 'PRODUCT_RATING_RANKING' },
    ],
    ksqlFile: 'ksql/ratings.sql',
  },
  'bank-transactions': {
    name: 'bank-transactions',
    title: 'Bank withdrawal fraud detection',
    datasets: ['bank_transactions'],
    // A fraud spree at start: a user crosses 5,000,000 in a day within the first minute.
    generatorArgs: { bank_transactions: ['--burst'] },
    needs: [],
    sinks: [
      { object: 'LARGE_WITHDRAWALS' },
      { object: 'SUSPICIOUS_WITHDRAWAL_USERS' },
      { object: 'USER_TRANSACTION_TOTALS' },
    ],
    ksqlFile: 'ksql/bank-transactions.sql',
  },
  clickstream: {
    name: 'clickstream',
    title: 'Clickstream analysis',
    datasets: ['clickstream', 'clickstream_codes', 'clickstream_users'],
    needs: [],
    sinks: [
      { object: 'EVENTS_PER_MIN' },
      { object: 'PAGES_PER_MIN' },
      { object: 'ENRICHED_ERROR_CODES_COUNT' },
      { object: 'ERRORS_PER_MIN' },
      { object: 'ERRORS_PER_MIN_ALERT' },
      { object: 'USER_IP_ACTIVITY' },
      { object: 'CLICK_USER_SESSIONS' },
      { object: 'BANDWIDTH_PER_MIN' },
      { object: 'USER_SESSION_BANDWIDTH' },
      { object: 'HIGH_BANDWIDTH_SESSIONS' },
    ],
    ksqlFile: 'ksql/clickstream.sql',
  },
  moodle: {
    name: 'moodle',
    title: 'Moodle activity sessions and withdrawal risk (CDC)',
    datasets: ['moodle_logs', 'moodle_predictions'],
    needs: ['kibana'],
    sinks: [
      { object: 'MOODLE_USER_SESSIONS' },
      { object: 'MOODLE_USER_ACTIVITY' },
      { object: 'MOODLE_PREDICTIONS' },
      { object: 'MOODLE_AT_RISK_STUDENTS' },
    ],
    kibana: {
      dashboard: {
        title: 'Moodle: sessions, activity and students at risk',
        description: 'Learning sessions per user, activity totals per user, and the learners the risk model flags (prediction > 0.7)',
        panels: [
          { title: 'Sessions (15-minute gap)', object: 'MOODLE_USER_SESSIONS', columns: ['USERID', 'SESSION_START', 'SESSION_END', 'ACTIVITIES', 'DURATION_S'], sortBy: 'SESSION_START' },
          { title: 'Activity per user', object: 'MOODLE_USER_ACTIVITY', columns: ['USERID', 'SESSIONS', 'ACTIVITIES', 'TOTAL_DURATION_S', 'AVG_SESSION_DURATION_S'], sortBy: 'ACTIVITIES' },
          { title: 'Students at risk (prediction > 0.7)', object: 'MOODLE_AT_RISK_STUDENTS', columns: ['USERID', 'PREDICTION', 'CREATED_DATE'], sortBy: 'CREATED_DATE' },
        ],
      },
    },
    ksqlFile: 'ksql/moodle.sql',
  },
  shop: {
    name: 'shop',
    title: 'Shop income per 3-second window into Apache Pinot',
    datasets: ['shop_transactions'],
    needs: ['pinot'],
    sinks: [
      { object: 'SHOP_INCOME_PER_3_SECONDS' },
    ],
    // One row per closed window (EMIT FINAL), so SUM(INCOME) over the table is the shop's income.
    pinot: {
      object: 'SHOP_INCOME_PER_3_SECONDS',
      timeColumn: 'WINDOW_START',
      metrics: { INCOME: 'DOUBLE', TRANSACTION_COUNT: 'LONG' },
    },
    ksqlFile: 'ksql/shop.sql',
  },
  payments: {
    name: 'payments',
    title: 'Payments API (JSON, Avro, Protobuf) and anti-fraud rules',
    datasets: ['payments'],
    needs: [],
    apiProduces: 'payments',
    sinks: [
      { object: 'PAYMENTS_PER_FORMAT_PER_MINUTE' },
      // One document per suspect pair (the alerts table has a row per pair and 24-hour window).
      { object: 'PAYMENT_STRUCTURING_SUSPECTS' },
      { object: 'PAYMENT_FANOUT_ALERTS' },
      { object: 'PAYMENTS_OVER_THRESHOLD' },
      // Every payment: the structuring alerts' dashboard lists the payments behind a suspect pair.
      { object: 'PAYMENTS_ALL_FORMATS' },
    ],
    ksqlFile: 'ksql/payments.sql',
  },
};
