import { describe, expect, it } from 'vitest';
import { formatJson } from './json-format.js';

describe('formatJson', () => {
  it('when given objects and short arrays, then objects take a line per key and arrays of values stay on one line', () => {
    expect(formatJson({ a: [1, 2, 3], b: { c: 'x', d: [{ e: 1 }] }, f: [], g: {} })).toBe(
      '{\n  "a": [1, 2, 3],\n  "b": {\n    "c": "x",\n    "d": [\n      {\n        "e": 1\n      }\n    ]\n  },\n  "f": [],\n  "g": {}\n}\n',
    );
  });

  it('when an array of numbers is wider than 120 columns, then it is filled line by line', () => {
    const text = formatJson({ a: Array.from({ length: 60 }, (_, i) => i * 137) });
    const lines = text.split('\n');
    expect(lines[1]).toBe('  "a": [');
    expect(lines[2]?.startsWith('    0, 137, 274,')).toBe(true);
    expect(lines.every((l) => l.length <= 120)).toBe(true);
    expect(JSON.parse(text).a).toHaveLength(60);
  });

  it('when a long array holds strings, then each goes on its own line', () => {
    const text = formatJson({ s: Array.from({ length: 20 }, (_, i) => `a fairly long string ${i}`) });
    expect(text.split('\n')).toHaveLength(20 + 5);
  });

  it('when values are undefined or not finite, then they are left out or null, as JSON.stringify does', () => {
    expect(formatJson({ a: undefined, b: Number.NaN, c: [Number.POSITIVE_INFINITY] })).toBe(
      '{\n  "b": null,\n  "c": [null]\n}\n',
    );
  });
});
