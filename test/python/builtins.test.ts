import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runNotebook } from '../../src/python/run.js';

interface Expression {
  expr: string;
  repr?: string;
  error?: string;
}

const { expressions } = JSON.parse(readFileSync(new URL('./fixtures/builtin_expressions.json', import.meta.url), 'utf8')) as { expressions: Expression[] };

/** `repr(expr)` (or `Type: message` of what it raised), as one cell prints it. */
function evaluate(expr: string): string {
  const source = `try:\n    __v = repr(${expr})\nexcept Exception as __e:\n    __v = type(__e).__name__ + ': ' + str(__e)\nprint(__v, end='')`;
  const [cell] = runNotebook([source]).cells;
  if (cell.error) return `cell error ${cell.error.type}: ${cell.error.message}`;
  return cell.stdout;
}

describe('builtins, methods and operators: repr of the value (or the exception) as CPython 3.11 gives it', () => {
  it.each(expressions.map((e) => [e.expr, e] as const))('%s', (expr, expected) => {
    expect(evaluate(expr)).toBe(expected.repr ?? expected.error);
  });
});
