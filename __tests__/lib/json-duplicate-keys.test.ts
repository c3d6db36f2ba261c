import { duplicateKeyName, findDuplicateKey } from '../../lib/json-duplicate-keys';

describe('findDuplicateKey', () => {
  it('finds a key given twice in one object, with both lines', () => {
    expect(findDuplicateKey('{"a":1,\n"b":2,\n"a":3}')).toEqual({ key: 'a', objectPath: '', firstLine: 1, line: 3 });
  });

  it('names the object by its path through objects and arrays', () => {
    const duplicate = findDuplicateKey('{"x":{"list":[1,{"k":1},{"k":1,"k":2}]}}');
    expect(duplicate).toMatchObject({ key: 'k', objectPath: 'x.list[2]' });
    expect(duplicateKeyName(duplicate!)).toBe('x.list[2].k');
  });

  it('decodes escapes before comparing keys', () => {
    expect(findDuplicateKey('{"id":"1","\\u0069d":"2"}')?.key).toBe('id');
  });

  it('sees no key in values, strings holding quotes, braces or commas, or sibling objects', () => {
    expect(findDuplicateKey('{"a":"a","b":"\\",{\\"a\\":1,","c":{"a":1},"d":[{"a":1},{"a":2}],"e":{"a":{"a":1}}}')).toBeUndefined();
  });

  it('treats "__proto__" like any other key', () => {
    expect(findDuplicateKey('{"__proto__":1,"__proto__":2}')?.key).toBe('__proto__');
  });

  it('finds nothing in scalars and empty containers', () => {
    for (const text of ['1', '"a"', 'null', '[]', '{}', '[{}, {}]']) expect(findDuplicateKey(text)).toBeUndefined();
  });
});
