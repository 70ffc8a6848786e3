import { jsonDepthExceededAt } from './json-depth';

const bytes = (s: string) => Buffer.from(s);

describe('jsonDepthExceededAt', () => {
  it('counts arrays and objects, not brackets inside strings or after escaped quotes', () => {
    expect(jsonDepthExceededAt(bytes('{"a":[1,{"b":2}]}'), 3)).toBe(-1);
    expect(jsonDepthExceededAt(bytes('{"a":[1,{"b":[2]}]}'), 3)).toBe(13);
    expect(jsonDepthExceededAt(bytes('{"a":"[[[[[[[[[["}'), 1)).toBe(-1);
    expect(jsonDepthExceededAt(bytes('{"a":"\\"[[[[[[["}'), 1)).toBe(-1);
    expect(jsonDepthExceededAt(bytes('[[[]]]'), 3)).toBe(-1);
    expect(jsonDepthExceededAt(bytes('[[[[]]]]'), 3)).toBe(3);
  });

  it('finds the depth of a 400,000-level array in one pass', () => {
    const deep = bytes('['.repeat(400_000) + ']'.repeat(400_000));
    expect(jsonDepthExceededAt(deep, 32)).toBe(32);
    const flat = bytes(JSON.stringify({ items: Array.from({ length: 100_000 }, (_, i) => ({ i, s: '[{' })) }));
    expect(jsonDepthExceededAt(flat, 32)).toBe(-1);
  });
});
