import { describe, expect, it } from 'vitest';
import { locateJsonError } from '../../web/src/json_error.js';

describe('locateJsonError (the playground names the line and column of a JSON mistake)', () => {
  it('accepts what JSON.parse accepts', () => {
    for (const text of ['{}', '[]', '{"x": 2}', ' {"x": [1, 2.5e-3, -0, true, null, "a\\n\\u00e9"], "y": {"linspace": {"start": -1}}} ', '3', '"s"', '[[[]]]']) {
      expect(() => JSON.parse(text)).not.toThrow();
      expect(locateJsonError(text)).toBeNull();
    }
  });

  it.each([
    ['{"x": 2,}', 1, 9, 'trailing comma'],
    ['{"x": 2\n "y": 3}', 2, 2, '"," or "}"'],
    ["{'x': 2}", 1, 2, 'property name in double quotes'],
    ['{"x": [1, 2,]}', 1, 13, 'trailing comma'],
    ['{"x": NaN}', 1, 7, '"NaN"'],
    ['{"x": .5}', 1, 7, 'digit before "."'],
    ['{"x": 01}', 1, 8, 'leading zeros'],
    ['{"x" 2}', 1, 6, '":"'],
    ['{"x": [1, 2}', 1, 12, '"," or "]"'],
    ['{"x": 2', 1, 8, 'text ends'],
    ['{"x": "ab', 1, 10, 'closing "'],
    ['{"x": 2} 3', 1, 10, 'end of the text'],
    ['{\n  "x": {"linspace": {"start": -10 "end": 10}}\n}', 2, 35, '"," or "}"'],
  ])('%j: line %i, column %i', (text, line, column, expected) => {
    expect(() => JSON.parse(text)).toThrow();
    const error = locateJsonError(text);
    expect(error).toMatchObject({ line, column });
    expect(error?.expected).toContain(expected);
  });

  it('finds the mistake under deep nesting without recursing', () => {
    const text = '['.repeat(200_000) + ']'.repeat(199_999) + ',';
    expect(locateJsonError(text)).toMatchObject({ line: 1, column: 400_001, expected: "a value, but the text ends" });
  });
});
