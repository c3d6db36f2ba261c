import type { PipelineDecl, PipelineName } from './types';

/** The seven pipelines of DESIGN.md section 2. */
export const PIPELINES: Readonly<Record<PipelineName, PipelineDecl>> = {
  'server-logs': {
    name: 'server-logs',
    title: 'Server log anomaly detection',
    seed: '000',
    datasets: ['server_logs'],
    needs: [],
    ksqlFile: 'ksql/server-logs.sql',
  },
  ratings: {
    name: 'ratings',
    title: 'Product ratings and bad-rating alerts',
    seed: '000',
    datasets: ['ratings'],
    needs: [],
    ksqlFile: 'ksql/ratings.sql',
  },
  'bank-transactions': {
    name: 'bank-transactions',
    title: 'Bank withdrawal fraud detection',
    seed: '000',
    datasets: ['bank_transactions'],
    needs: [],
    ksqlFile: 'ksql/bank-transactions.sql',
  },
  clickstream: {
    name: 'clickstream',
    title: 'Clickstream analysis',
    seed: '001',
    datasets: ['clickstream', 'clickstream_codes', 'clickstream_users'],
    needs: [],
    ksqlFile: 'ksql/clickstream.sql',
  },
  moodle: {
    name: 'moodle',
    title: 'Moodle activity sessions and withdrawal risk (CDC)',
    seed: '002',
    datasets: ['moodle_logs', 'moodle_predictions'],
    needs: ['mariadb', 'kibana'],
    ksqlFile: 'ksql/moodle.sql',
  },
  shop: {
    name: 'shop',
    title: 'Shop income per 3-second window into Apache Pinot',
    seed: '003',
    datasets: ['shop_transactions'],
    needs: ['pinot'],
    ksqlFile: 'ksql/shop.sql',
  },
  payments: {
    name: 'payments',
    title: 'Payments API (JSON, Avro, Protobuf) and anti-fraud rules',
    seed: '004',
    datasets: ['payments'],
    needs: [],
    paymentsApi: true,
    ksqlFile: 'ksql/payments.sql',
  },
};
