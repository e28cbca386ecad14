import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jsonSyntaxError } from '../../src/plugins/json_error.js';

function parses(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

describe('jsonSyntaxError', () => {
  it.each([
    ['{"inputs": {"x": 2},\n "expr": "x"\n "backward": true}', 3, 2, "a ',' is missing: expected ',' or '}' after a property value"],
    ['{"inputs": {"x": [1, 2,]}}', 1, 24, "a trailing comma before ']': JSON allows none"],
    ['{"inputs": {"x": 2},}', 1, 21, "a trailing comma before '}': JSON allows none"],
    ["{'inputs': {}}", 1, 2, 'property names take double quotes'],
    ['{"expr": \'y = x\'}', 1, 10, 'strings in JSON take double quotes'],
    ['{"inputs": {"x": NaN}}', 1, 18, 'send them as the strings "NaN", "Infinity", "-Infinity"'],
    ['{"backward": True}', 1, 14, 'True is Python: JSON writes true, false and null'],
    ['{"expr": "y = x\ny = y * 2"}', 1, 16, 'a line break inside a string: write it as \\n'],
    ['{"inputs": {"x": 2}', 1, 20, 'the body ends too early: 1 bracket is still open (} missing)'],
    ['{"a": }', 1, 7, "expected a value, found '}'"],
    ['{"a" 1}', 1, 6, "expected ':' after the property name"],
    ['{"a": 1} x', 1, 10, 'more text after the JSON value'],
    ['{"a": "\\x"}', 1, 8, 'is not an escape JSON knows'],
  ])('%j: line %i, column %i', (text, line, column, message) => {
    expect(parses(text)).toBe(false);
    const error = jsonSyntaxError(text)!;
    expect(error.message).toContain(message);
    expect({ line: error.line, column: error.column }).toEqual({ line, column });
  });

  it('finds nothing wrong in JSON, and something wrong wherever JSON.parse does (any nesting, mutated text)', () => {
    fc.assert(
      fc.property(fc.json(), (text) => {
        expect(jsonSyntaxError(text)).toBeNull();
      }),
      { numRuns: 500 },
    );
    const mutated = fc
      .tuple(fc.json({ maxDepth: 4 }), fc.nat(), fc.constantFrom('', ',', ']', '}', '"', ':', ' ', 'x', '\n', '\\', "'", 'NaN'))
      .map(([text, at, insert]) => {
        const i = at % (text.length + 1);
        return at % 2 === 0 ? text.slice(0, i) + insert + text.slice(i) : text.slice(0, i) + text.slice(i + 1);
      });
    fc.assert(
      fc.property(mutated, (text) => {
        const error = jsonSyntaxError(text);
        expect(error === null).toBe(parses(text));
        if (error !== null) expect(error.offset).toBeLessThanOrEqual(text.length);
      }),
      { numRuns: 3000 },
    );
    expect(jsonSyntaxError('['.repeat(100_000))?.message).toContain('100000 brackets are still open');
  });
});
