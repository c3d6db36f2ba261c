import { PAYMENTS_DASHBOARD } from '../dashboards/payments';
import { paymentsSchema } from '../generators/datasets/payments.schema';
import { declarePipeline } from './declare';

export const PAYMENTS_PIPELINE = declarePipeline({
  title: 'Payments API (JSON, Avro, Protobuf) and anti-fraud rules',
  datasets: [paymentsSchema],
  needs: [],
  apiProduces: 'payments',
  sinks: [
    { object: 'PAYMENTS_PER_FORMAT_PER_MINUTE' },
    // One document per suspect pair (the alerts table has a row per pair and 24-hour window).
    { object: 'PAYMENT_STRUCTURING_SUSPECTS', note: 'each pair whose payments under 10,000 exceed 10,000 within 24 hours, once, with its latest figures' },
    { object: 'PAYMENT_FANOUT_ALERTS', note: '5 or more payees in 10 minutes, counted exactly' },
    { object: 'PAYMENTS_OVER_THRESHOLD' },
    // Every payment: the structuring alerts' dashboard lists the payments behind a suspect pair.
    { object: 'PAYMENTS_ALL_FORMATS', note: 'every payment, in all three formats' },
  ],
  dashboard: PAYMENTS_DASHBOARD,
});
