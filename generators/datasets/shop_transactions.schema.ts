import { datasetSchema } from '../schema';

/**
 * E-commerce transactions from 10 fixed users. A user whose id starts with digit d
 * always pays 10*d (0 counts as 10), so every total is checkable. Keyed by user_id.
 */
export const shopTransactionsSchema = datasetSchema({
  name: 'shop_transactions',
  description: 'Shop transactions from 10 fixed users whose amount depends on the first digit of their id',
  sink: { kind: 'kafka', topic: 'shop_transactions' },
  fields: [
    { name: 'transaction_id', type: 'string', doc: 'UUID, unique per transaction' },
    { name: 'user_id', type: 'string', doc: 'One of 10 fixed user ids, one per leading digit 0-9; also the message key' },
    { name: 'product', type: 'string', doc: 'Product bought' },
    { name: 'amount', type: 'double', doc: '10 * the leading digit of user_id (0 counts as 10)' },
    { name: 'ts', type: 'timestamp_ms', doc: 'Event time, epoch milliseconds' },
  ],
  keyField: 'user_id',
  timestampField: 'ts',
  formats: ['JSON'],
});
