import { DATASET_NAMES } from '../../generators/schema';
import { DATASET_SCHEMAS } from '../../generators/datasets/schemas';

describe('dataset schemas', () => {
  it('has one schema per dataset name, registered under its own name', () => {
    expect(Object.keys(DATASET_SCHEMAS).sort()).toEqual([...DATASET_NAMES].sort());
    for (const name of DATASET_NAMES) expect(DATASET_SCHEMAS[name].name).toBe(name);
  });

  it.each(DATASET_NAMES.map((name) => [name]))('%s: key and timestamp fields exist with fitting types', (name) => {
    const schema = DATASET_SCHEMAS[name];
    const byName = new Map(schema.fields.map((field) => [field.name, field]));
    expect(byName.size).toBe(schema.fields.length);
    if (schema.keyField !== undefined) {
      expect(byName.has(schema.keyField)).toBe(true);
      expect(byName.get(schema.keyField)!.optional).not.toBe(true);
    }
    if (schema.timestampField !== undefined) expect(byName.get(schema.timestampField)?.type).toBe('timestamp_ms');
  });

  it('the keyed tables of the clickstream joins are keyed by their join column', () => {
    expect(DATASET_SCHEMAS.clickstream.keyField).toBe('userid');
    expect(DATASET_SCHEMAS.clickstream_users.keyField).toBe('user_id');
    expect(DATASET_SCHEMAS.clickstream_codes.keyField).toBe('code');
  });
});
