import { datasetModule, datasetNames } from '../../generators/datasets';
import { DATASET_NAMES, DATASET_SCHEMAS } from '../../pipelines/datasets';

describe('dataset schemas', () => {
  it('has one schema per dataset name, registered under its own name', () => {
    expect(Object.keys(DATASET_SCHEMAS)).toEqual(DATASET_NAMES);
    const misnamed = DATASET_NAMES.filter((name) => DATASET_SCHEMAS[name].name !== name);
    expect(misnamed.map((name) => `${name}: its schema is named ${DATASET_SCHEMAS[name].name} — a schema's name is its file's stem`)).toEqual([]);
  });

  it('gives every dataset of a pipeline a generator module of its name whose schema is the very schema the pipeline declares', () => {
    const problems = DATASET_NAMES.flatMap((name) => {
      try {
        return datasetModule(name).schema === DATASET_SCHEMAS[name]
          ? []
          : [`generators/datasets/${name}.ts: its module's schema is not the object of ${name}.schema.ts that the pipeline declares — import it from there`];
      } catch (e) {
        return [(e as Error).message];
      }
    });
    expect(problems).toEqual([]);
  });

  it('lets the generator CLI run exactly the datasets of the pipelines', () => {
    // The CLI reads the folder (its image holds no pipeline catalog); a dataset no pipeline uses is dead code.
    const unused = datasetNames().filter((name) => !(DATASET_NAMES as readonly string[]).includes(name));
    expect(unused.map((name) => `generators/datasets/${name}.schema.ts is a dataset no pipeline declares — name its schema in a pipeline's datasets, or delete it`)).toEqual([]);
    expect([...datasetNames()]).toEqual([...DATASET_NAMES].sort());
  });

  it('names the file and the fix when a dataset has no module', () => {
    expect(() => datasetModule('no_such_dataset')).toThrow(/^dataset no_such_dataset has no generator module: generators\/datasets\/no_such_dataset\.ts cannot be loaded .* — write it/);
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
