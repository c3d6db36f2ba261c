import { datasetModule } from '../../generators/datasets';
import { toMessage } from '../../generators/runtime/message';
import { DATASET_NAMES } from '../../pipelines/datasets';
import { drive, schemaProblems, START } from './drive';

describe.each(DATASET_NAMES.map((name) => [name]))('%s records', (name) => {
  const schema = datasetModule(name).schema;
  const sample = drive(name, 500, { seed: 7 });

  it('have exactly the declared fields, each of its declared type', () => {
    expect(sample).toHaveLength(500);
    const problems = sample.flatMap((record) => schemaProblems(schema, record));
    expect(problems).toEqual([]);
  });

  it('carry their key and event time into the message', () => {
    for (const record of sample) {
      const message = toMessage(schema, record, START);
      expect(JSON.parse(message.value)).toEqual(record);
      expect(message.key).toBe(schema.keyField === undefined ? null : String(record[schema.keyField]));
      expect(message.timestamp).toBe(schema.timestampField === undefined ? START : record[schema.timestampField]);
    }
  });

  it('are reproducible with a seed and differ with another seed', () => {
    expect(drive(name, 200, { seed: 42 })).toEqual(drive(name, 200, { seed: 42 }));
    // The codes list is fixed data with no random choice; every other dataset draws its values.
    if (name !== 'clickstream_codes') expect(drive(name, 200, { seed: 43 })).not.toEqual(drive(name, 200, { seed: 42 }));
  });
});

describe('a schema that the records do not fit is reported', () => {
  // Guards the checker itself: if it accepted anything, the suite above would prove nothing.
  const schema = datasetModule('ratings').schema;
  const good = drive('ratings', 1)[0];

  it.each([
    ['an extra field', { ...good, extra: 1 }, 'extra field extra'],
    ['a missing field', Object.fromEntries(Object.entries(good).filter(([key]) => key !== 'product')), 'missing field product'],
    ['a string for an int', { ...good, stars: '5' }, 'stars="5" is not a 32-bit integer (declared int)'],
    ['seconds for epoch ms', { ...good, ts: Math.floor(START / 1000) }, `ts=${Math.floor(START / 1000)} is not epoch milliseconds (declared timestamp_ms)`],
  ])('%s', (_label, record, problem) => {
    expect(schemaProblems(schema, record)).toEqual([problem]);
  });
});
