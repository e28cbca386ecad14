import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../../schemas/limits.js';
import { programSchemas } from '../../schemas/program.js';
import { readFileSync } from 'node:fs';
import { setProgramCache } from '../../src/program/interpret.js';
import { evaluateComplete } from '../../src/program/run.js';
import { ProblemError } from '../../src/errors.js';

// The expression form of /v1/evaluate as a front end of the Python interpreter (src/program/interpret.ts).
const evaluate = (request: Record<string, unknown>) => evaluateComplete({ backward: true, ...request } as never, DEFAULT_LIMITS);

function problemOf(request: Record<string, unknown>): ProblemError {
  try {
    evaluate(request);
  } catch (error) {
    if (error instanceof ProblemError) return error;
    throw error;
  }
  throw new Error('no problem raised');
}

describe('expression programs through the interpreter', () => {
  it('names inputs first, then each bound name at its last binding; a bare last expression is result', () => {
    const answer = evaluate({ inputs: { x: 2 }, expr: 'a = x * 3; b = a + 1\na = b * 2\na.sum()' });
    expect(Object.keys(answer.tensors)).toEqual(['x', 'b', 'a', 'result']);
    expect(answer.result).toBe('result');
    expect(answer.tensors.x.grad).toBe(6);
  });

  it('tuple targets, .values, string keywords and torch.float64 as Python has them', () => {
    const answer = evaluate({ inputs: { x: [1, 3, 2] }, expr: "v, i = x.max(dim=0)\nw = x.sort(descending=True).values.to(torch.float64)\ny = F.mse_loss(w, w * 2, reduction='sum') + v" });
    expect(answer.tensors.i.data).toBe(1);
    expect(answer.tensors.w.dtype).toBe('float64');
    expect(answer.result).toBe('y');
  });

  it('custom functions are called bare or through .apply', () => {
    const functions = { SQ: { params: ['i'], forward: 'i ** 2', backward: ['grad_output * 2 * i'] } };
    const answer = evaluate({ inputs: { x: 3 }, functions, expr: 'y = SQ(x) + SQ.apply(x)' });
    expect(answer.tensors.y.grad_fn).toBe('AddBackward0');
    expect(answer.tensors.x.grad).toBe(12);
  });

  it('Python errors become problems: syntax errors with their position, names, engine errors keep their code', () => {
    const parse = problemOf({ inputs: { x: 1 }, expr: 'y = x\nz = (x + ' });
    expect(parse.code).toBe('parse-error');
    expect(parse.extras.position?.line).toBe(2);
    expect(problemOf({ inputs: { x: 1 }, expr: 'y = x * q' })).toMatchObject({ code: 'unknown-name', message: expect.stringContaining("name 'q' is not defined") });
    expect(problemOf({ inputs: { x: [1, 2], z: [1, 2, 3] }, expr: 'y = (x + z).sum()' }).code).toBe('shape-error');
  });

  it('the source, its statements and its nesting are bounded by the service limits', () => {
    const deep = `y = ${'('.repeat(DEFAULT_LIMITS.maxDepth + 1)}x${')'.repeat(DEFAULT_LIMITS.maxDepth + 1)}`;
    expect(problemOf({ inputs: { x: 1 }, expr: deep }).extras.limit?.name).toBe('maxDepth');
    const chain = `y = x${' + x'.repeat(DEFAULT_LIMITS.maxDepth + 1)}`;
    expect(problemOf({ inputs: { x: 1 }, expr: chain }).extras.limit?.name).toBe('maxDepth');
  });
});

describe('custom function bodies through the interpreter', () => {
  const functions = { SQ: { params: ['i'], forward: 'i ** 2', backward: ['grad_output * 2 * i'] } };

  it('forward records nothing: the output has only the function’s own node', () => {
    const answer = evaluate({ inputs: { x: 3 }, functions, expr: 'y = SQ(x)' });
    expect(answer.trace?.nodes.map((n) => n.name)).toEqual(['SQBackward', 'AccumulateGrad']);
  });

  it('a body that names what it cannot see is a problem located in that body', () => {
    const broken = { F1: { params: ['i'], forward: 'i * q', backward: ['grad_output'] } };
    const problem = problemOf({ inputs: { x: 1 }, functions: broken, expr: 'y = F1(x)' });
    expect(problem).toMatchObject({ code: 'unknown-name', message: expect.stringMatching(/^name 'q' is not defined/) });
    expect(problem.extras).toMatchObject({ node: 'F1.forward', position: { line: 1, column: 1 } });
  });

  it('a body that does not parse is refused before anything runs, with its position', () => {
    const broken = { F1: { params: ['i'], forward: 'i ** ', backward: ['grad_output'] } };
    const problem = problemOf({ inputs: { x: 1 }, functions: broken, expr: 'y = x' });
    expect(problem.code).toBe('parse-error');
    expect(problem.extras.position?.line).toBe(1);
  });

  it('a body must produce a tensor', () => {
    const numeric = { F1: { params: ['i'], forward: '2.0', backward: ['grad_output'] } };
    expect(problemOf({ inputs: { x: 1 }, functions: numeric, expr: 'y = F1(x)' }).message).toBe('F1.forward must produce a Tensor, got a Python number');
  });

  it('diagnostics see the function as one op, not the ops inside its body', () => {
    const logOf = { L: { params: ['i'], forward: 'torch.log(i * 0)', backward: ['grad_output / i'] } };
    const answer = evaluate({ inputs: { x: [1, 2] }, functions: logOf, expr: 'y = L(x).sum()', diagnostics: true });
    expect(answer.diagnostics?.nonfinite_value).toMatchObject({ op: 'L', statement: 'y', tensor: null, kind: 'inf', count: 2 });
  });
});

describe('the limits of an expression program', () => {
  it('refuses a source longer than maxExprLength before reading it', () => {
    const problem = problemOf({ inputs: { x: 1 }, expr: `y = x${' + 1'.repeat(DEFAULT_LIMITS.maxExprLength)}` });
    expect(problem.message).toBe(`expression longer than ${DEFAULT_LIMITS.maxExprLength} characters`);
    expect(problem.extras.limit).toEqual({ name: 'maxExprLength', value: DEFAULT_LIMITS.maxExprLength });
  });

  it('accepts nesting up to maxDepth brackets and refuses one more', () => {
    const nested = (depth: number) => `y = ${'('.repeat(depth)}x${')'.repeat(depth)}`;
    expect(evaluate({ inputs: { x: 1 }, expr: nested(DEFAULT_LIMITS.maxDepth) }).result).toBe('y');
    expect(problemOf({ inputs: { x: 1 }, expr: nested(DEFAULT_LIMITS.maxDepth + 1) }).message).toBe(`expression nesting deeper than ${DEFAULT_LIMITS.maxDepth}`);
  });

  it('refuses more than maxStatements statements', () => {
    const problem = problemOf({ inputs: { x: 1 }, expr: Array.from({ length: DEFAULT_LIMITS.maxStatements + 1 }, (_, i) => `a${i} = x`).join('\n') });
    expect(problem.message).toBe(`program has more than ${DEFAULT_LIMITS.maxStatements} statements`);
    expect(problem.extras.limit).toEqual({ name: 'maxStatements', value: DEFAULT_LIMITS.maxStatements });
  });

  it('a syntax error in a later line gives its line, column and offset', () => {
    const problem = problemOf({ inputs: { x: 1 }, expr: 'a = x\n\nb = a * * 2' });
    expect(problem.code).toBe('parse-error');
    expect(problem.extras.position).toEqual({ line: 3, column: 9, offset: 15 });
  });

  it('a runtime error names the statement that ran and points at it', () => {
    const problem = problemOf({ inputs: { x: 1 }, expr: 'a = x\n\nb = a * frobnicate(a)' });
    expect(problem).toMatchObject({ code: 'unknown-name', message: "name 'frobnicate' is not defined" });
    expect(problem.extras).toMatchObject({ node: 'b = a * frobnicate(a)', position: { line: 3, column: 1, offset: 7 } });
  });
});

describe('the prepared-program cache', () => {
  interface Case { name: string; request: Record<string, unknown> & { expr?: string } }
  const { EvaluateRequest } = programSchemas(DEFAULT_LIMITS);
  // Every golden expression case the schema accepts, as the route hands it on.
  const requests = (JSON.parse(readFileSync(new URL('../conformance/cases.json', import.meta.url), 'utf8')) as { cases: Case[] }).cases
    .filter((c) => typeof c.request.expr === 'string')
    .flatMap((c) => {
      const parsed = EvaluateRequest.safeParse(c.request);
      return parsed.success ? [parsed.data as Record<string, unknown>] : [];
    });
  /** The answer, or the problem's code and message; object addresses in reprs are not compared. */
  const outcome = (request: Record<string, unknown>) => {
    try {
      return JSON.stringify(evaluate(request)).replace(/0x[0-9a-f]+/g, '0x');
    } catch (error) {
      if (error instanceof ProblemError) return `${error.code}: ${error.message}`;
      throw error;
    }
  };

  it('gives every golden expression case the same answer or problem as parsing each time, on a miss and on a hit', () => {
    try {
      setProgramCache(false);
      const uncached = requests.map(outcome);
      setProgramCache(true);
      expect(requests.map(outcome)).toEqual(uncached);
      expect(requests.map(outcome)).toEqual(uncached);
      expect(requests.length).toBeGreaterThan(100);
    } finally {
      setProgramCache(true);
    }
  });

  it('does not keep a source that fails to parse: its problem comes again', () => {
    const broken = { inputs: { x: 1 }, expr: 'y = (x' };
    expect(problemOf(broken).code).toBe('parse-error');
    expect(problemOf(broken).code).toBe('parse-error');
  });
});

describe('names every JavaScript object answers are plain Python names', () => {
  it('constructor, prototype and toString bind and answer like any name', () => {
    const answer = evaluate({ inputs: { x: 1 }, expr: 'constructor = x * 2\nprototype = constructor.sum()\ntoString = prototype' });
    expect(Object.keys(answer.tensors)).toEqual(['x', 'constructor', 'prototype', 'toString']);
    expect(answer.result).toBe('toString');
  });

  it.each([
    ['constructor', 'unknown-name', "name 'constructor' is not defined"],
    ['__proto__', 'unknown-name', "name '__proto__' is not defined"],
    ['toString', 'unknown-name', "name 'toString' is not defined"],
    ['hasOwnProperty(x)', 'unknown-name', "name 'hasOwnProperty' is not defined"],
    ['x.constructor()', 'unknown-function', "'Tensor' object has no attribute 'constructor'"],
    ['x.valueOf()', 'unknown-function', "'Tensor' object has no attribute 'valueOf'"],
    ['x.__proto__()', 'unknown-function', "attribute '__proto__' is not available: attributes starting with '__' are disabled in this sandbox"],
    ['torch.constructor(x)', 'unknown-function', "module 'torch' has no attribute 'constructor'"],
  ])('does not find %s on any prototype', (source, code, message) => {
    expect(problemOf({ inputs: { x: 1 }, expr: `y = ${source}` })).toMatchObject({ code, message });
  });
});
