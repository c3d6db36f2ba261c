import { datasetSchema } from '../schema';

/** Deposits and withdrawals, for the bank-transactions pipeline's fraud rules. Keyed by user so per-user sums need no repartition. */
export const bankTransactionsSchema = datasetSchema({
  name: 'bank_transactions',
  description: 'Deposits and withdrawals per user and account, with occasional very large withdrawals',
  sink: { kind: 'kafka', topic: 'bank_transactions' },
  fields: [
    { name: 'txn_id', type: 'string', doc: 'UUID, unique per transaction' },
    { name: 'user_id', type: 'string', doc: 'Id of the account owner; also the message key' },
    { name: 'account_id', type: 'string', doc: 'Account the money moves in or out of' },
    { name: 'type', type: 'string', doc: "'DEPOSIT' or 'WITHDRAWAL'" },
    { name: 'amount', type: 'double', doc: 'Amount moved, > 0' },
    { name: 'ts', type: 'timestamp_ms', doc: 'Event time, epoch milliseconds' },
  ],
  keyField: 'user_id',
  timestampField: 'ts',
  formats: ['JSON'],
});
