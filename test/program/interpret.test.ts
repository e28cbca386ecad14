import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../../schemas/limits.js';
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
