import { datasetSchema } from '../schema';

/** A payment instruction. The payments API and the `payments` generator both produce it. */
export const paymentsSchema = datasetSchema({
  name: 'payments',
  description: 'Payment instructions from the payments HTTP API, in JSON, Avro and Protobuf through Schema Registry',
  sink: {
    kind: 'kafka',
    topic: 'payment_json',
    topicByFormat: { JSON: 'payment_json', AVRO: 'payment_avro', PROTOBUF: 'payment_protobuf' },
  },
  fields: [
    { name: 'id', type: 'string', doc: 'UUID, unique per payment; also the message key' },
    { name: 'payee_bank', type: 'string', doc: "Name of the payee's bank" },
    { name: 'payee_account_no', type: 'bigint', doc: 'Account number of the payee at the payee bank' },
    { name: 'payment_amount', type: 'double', doc: 'Amount of the payment, > 0' },
    { name: 'payment_method', type: 'string', doc: 'Payment rail: ACH, WIRE, CHECK, CARD or RTP' },
    { name: 'payor_account_no', type: 'int', doc: "Payor's account number at the bank (int32)" },
    { name: 'created_at', type: 'timestamp_ms', doc: 'Event time, epoch milliseconds' },
  ],
  keyField: 'id',
  timestampField: 'created_at',
  formats: ['JSON', 'AVRO', 'PROTOBUF'],
  viaSchemaRegistry: true,
});
