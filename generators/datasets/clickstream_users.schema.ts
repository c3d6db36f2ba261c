import { datasetSchema } from '../schema';

/** Users of the clicked web site, which the clickstream pipeline joins: a small keyed reference table, keyed by user_id. */
export const clickstreamUsersSchema = datasetSchema({
  name: 'clickstream_users',
  description: 'Registered users of the web site, a reference table for the clickstream',
  sink: { kind: 'kafka', topic: 'clickstream_users' },
  fields: [
    { name: 'user_id', type: 'int', doc: 'User id (joined from clickstream.userid); its decimal string is the message key' },
    { name: 'username', type: 'string', doc: 'Login name' },
    { name: 'registered_at', type: 'timestamp_ms', doc: 'When the user registered, epoch milliseconds' },
    { name: 'first_name', type: 'string', doc: 'First name' },
    { name: 'last_name', type: 'string', doc: 'Last name' },
    { name: 'city', type: 'string', doc: 'Home city' },
    { name: 'level', type: 'string', doc: 'Customer level: Gold, Silver or Platinum' },
  ],
  keyField: 'user_id',
  formats: ['JSON'],
});
