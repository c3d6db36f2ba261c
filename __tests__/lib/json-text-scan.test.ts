import { duplicateKeyName, isIntegerLiteral, scanJsonText, type DuplicateKey } from '../../lib/json-text-scan';

const findDuplicateKey = (text: string): DuplicateKey | undefined => {
  const problem = scanJsonText(text);
  return problem?.kind === 'duplicate-key' ? problem : undefined;
};

describe('findDuplicateKey', () => {
  it('finds a key given twice in one object, with both lines', () => {
    expect(findDuplicateKey('{"a":1,\n"b":2,\n"a":3}')).toEqual({ kind: 'duplicate-key', key: 'a', objectPath: '', firstLine: 1, line: 3 });
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

describe('integer keys', () => {
  const integerKeys = new Set(['n']);

  it('refuses a fraction that JSON.parse rounds away', () => {
    expect(JSON.parse('{"n":9007199254740990.5}')).toEqual({ n: 9007199254740990 });
    expect(scanJsonText('{"n":9007199254740990.5}', { integerKeys })).toEqual({ kind: 'not-an-integer', key: 'n', literal: '9007199254740990.5', line: 1 });
  });

  it('judges only the top-level keys named, and only numbers', () => {
    expect(scanJsonText('{"m":1.5,"x":{"n":1.5},"s":"n","n":"1.5","l":[1.5]}', { integerKeys })).toBeUndefined();
    expect(scanJsonText('{"n":1.5}')).toBeUndefined();
  });

  it.each([
    ['12', true],
    ['-12', true],
    ['1.000', true],
    ['1e3', true],
    ['1.5e1', true],
    ['12e-1', false],
    ['1.5', false],
    ['0.0e-5', true],
    ['9007199254740990.5', false],
    ['9.0071992547409905e15', false],
    ['1E+2', true],
  ])('%s is an integer: %s', (literal, integer) => {
    expect(isIntegerLiteral(literal)).toBe(integer);
  });
});

describe('the flat-object path (given what JSON.parse made of the text)', () => {
  const integerKeys = new Set(['n', 'id']);

  it('finds what the full scan finds in flat objects: a key twice, escaped or not, and a fraction under an integer key', () => {
    for (const text of ['{"id":1,"x":2,"id":3}', '{"id":"1","\\u0069d":"2"}', '{"n":9007199254740990.5}', '{"__proto__":1,"__proto__":2}', '{"n":12e-1,"m":1}']) {
      const problem = scanJsonText(text, { integerKeys });
      expect(problem).toBeDefined();
      expect(scanJsonText(text, { integerKeys, parsed: JSON.parse(text) as unknown })).toEqual(problem);
    }
  });

  it('agrees with the full scan on 3,000 generated texts, flat and nested, clean and not', () => {
    // A fixed-seed generator: keys from a small set so that some repeat, numbers plain and not,
    // strings holding quotes, braces and commas, escaped keys, whitespace, sometimes a nested value.
    let seed = 42;
    const random = (n: number): number => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return (seed >>> 8) % n;
    };
    const keys = ['id', 'n', 'm', 'x', '\\u0069d', 'n\\"', '__proto__'];
    const values = ['1', '-7', '1.5', '2.0', '1e3', '12e-1', '9007199254740990.5', '"a"', '"{\\"n\\":1.5,}"', 'true', 'null', '[1.5]', '{"n":1.5}', '{"id":1,"id":2}'];
    const space = (): string => [' ', '', '\n', '\t'][random(4)];
    let dirty = 0;
    for (let t = 0; t < 3_000; t++) {
      const members = Array.from({ length: random(6) }, () => `${space()}"${keys[random(keys.length)]}"${space()}:${space()}${values[random(values.length)]}`);
      const text = `${space()}{${members.join(',')}}${space()}`;
      const full = scanJsonText(text, { integerKeys });
      if (full) dirty++;
      expect([text, scanJsonText(text, { integerKeys, parsed: JSON.parse(text) as unknown })]).toEqual([text, full]);
    }
    // Both kinds were generated in numbers.
    expect(dirty).toBeGreaterThan(500);
    expect(dirty).toBeLessThan(2_500);
  });
});
