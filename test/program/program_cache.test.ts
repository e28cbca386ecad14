import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../../schemas/limits.js';
import { programSchemas } from '../../schemas/program.js';
import { compileExpression } from '../../src/program/lower.js';
import { compileExpressionCached, setProgramCache } from '../../src/program/program_cache.js';
import { evaluateProgram } from '../../src/program/run.js';
import type { GoldenCase } from '../support/conformance.js';

const { cases } = JSON.parse(readFileSync(new URL('../conformance/cases.json', import.meta.url), 'utf8')) as { cases: GoldenCase[] };
const { EvaluateRequest } = programSchemas(DEFAULT_LIMITS);

/** The answer, or the problem it raised, as JSON text: what a client would see. */
function outcome(request: unknown): string {
  try {
    return JSON.stringify(evaluateProgram(EvaluateRequest.parse(request), DEFAULT_LIMITS));
  } catch (error) {
    const e = error as { code?: string; message: string };
    return `problem ${e.code}: ${e.message}`;
  }
}

afterEach(() => setProgramCache(true));

describe('the compiled-program cache', () => {
  const programs = cases.filter((c) => EvaluateRequest.safeParse(c.request).success && typeof c.request.expr === 'string');

  it('gives every golden case the same answer or problem as compiling each time, on a miss and on a hit', () => {
    expect(programs.length).toBeGreaterThan(100);
    setProgramCache(false);
    const uncached = programs.map((c) => outcome(c.request));
    setProgramCache(true);
    const miss = programs.map((c) => outcome(c.request));
    const hit = programs.map((c) => outcome(c.request));
    expect(miss).toEqual(uncached);
    expect(hit).toEqual(uncached);
  });

  it('keys on the input and function names too', () => {
    const options = (inputs: string[], customFunctions: string[] = []) => ({ inputs: new Set(inputs), customFunctions: new Set(customFunctions) });
    const source = 'y = f(x) + x';
    expect(() => compileExpressionCached(source, options(['x']))).toThrow(/not defined/);
    const withFunction = compileExpressionCached(source, options(['x'], ['f']));
    expect(withFunction).toEqual(compileExpression(source, options(['x'], ['f'])));
    expect(compileExpressionCached('y = x * z', options(['x', 'z']))).toEqual(compileExpression('y = x * z', options(['x', 'z'])));
  });

  it('hands out frozen programs, so no run can change the next', () => {
    const program = compileExpressionCached('y = x.view(2, 3).sum(dim=0)', { inputs: new Set(['x']) });
    expect(Object.isFrozen(program)).toBe(true);
    expect(Object.isFrozen(program.nodes)).toBe(true);
    for (const node of program.nodes) {
      expect(Object.isFrozen(node) && Object.isFrozen(node.args) && Object.isFrozen(node.kwargs)).toBe(true);
      for (const arg of node.args) if (Array.isArray(arg)) expect(Object.isFrozen(arg)).toBe(true);
    }
    expect(compileExpressionCached('y = x.view(2, 3).sum(dim=0)', { inputs: new Set(['x']) })).toBe(program);
  });

  it('does not keep programs that fail to compile', () => {
    const source = 'y = (x';
    const first = (() => {
      try {
        compileExpressionCached(source, { inputs: new Set(['x']) });
      } catch (error) {
        return error;
      }
    })();
    expect(first).toBeInstanceOf(Error);
    expect(() => compileExpressionCached(source, { inputs: new Set(['x']) })).toThrow((first as Error).message);
  });
});
