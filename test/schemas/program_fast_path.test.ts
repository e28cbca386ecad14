import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS, type Limits } from '../../schemas/limits.js';
import { programSchemas } from '../../schemas/program.js';
import { evaluateRequestFastPath, withEvaluateFastPath } from '../../schemas/program_fast_path.js';
import { mutate } from '../support/mutate.js';

/** Bodies clients send, and the starting points for mutation. */
const SEEDS: unknown[] = [
  { inputs: { x: 2.0 }, expr: 'y = x**2 + 2*x + 1' },
  { inputs: { u: 1.0, v: 2.0 }, expr: 'f = u*v + (u*v)**2' },
  { inputs: { x: [1, 2, 3] }, expr: 'y = (x ** 2).sum()', backward: false },
  { inputs: { x: [[1, 2], [3, 4]], w: [[0.5], [-1]] }, expr: 'y = (x @ w).sum()', outputs: ['y', 'x'], fields: ['data', 'grad'], encoding: 'json' },
  { inputs: { x: [[[1], [2]], [[3], [4]]] }, expr: 'y = x.sum()', diagnostics: true, encoding: 'base64' },
  { inputs: { x: { linspace: { start: -10, end: 10, steps: 10 } } }, expr: 'Y = x ** 2\ny = torch.sum(Y)' },
  { inputs: { x: 2.0 }, functions: { SQ: { params: ['i'], forward: 'i ** 2', backward: ['2 * i'] } }, expr: 'y = SQ(x)' },
  { inputs: { x: [[1, 2], [3, 4]] }, graph: [{ id: 'a', op: 'pow', args: ['x', 2] }, { id: 'y', op: 'sum', args: ['a'] }] },
  { inputs: { x: 3 }, expr: 'y = x * 2', backward: { of: 'y', retain_grad: [] } },
  { expr: 'y = torch.ones(2)' },
];


const replacement = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.constantFrom(-1, 0, -0, 1.5, 1e308, -1e-308, 2 ** 53, 'NaN', 'Infinity', '__proto__', 'constructor', 'x'.repeat(65), [], {}, null, true, [1, [2]], [[1, 2], [3]], [[]], ['data', 'grad'], ['repr', 'nope']),
);
const text = fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom('(', ')', '**', '.', '\n', 'graph', 'functions', '__proto__', '1a', 'é', ' '));

const mutatedBody = fc
  .record({ seed: fc.constantFrom(...SEEDS), path: fc.array(fc.nat(20), { maxLength: 5 }), replacement, text, mode: fc.nat(30) })
  .map(({ seed, path, replacement, text, mode }) => mutate(seed, path, replacement, text, mode));

/** Well-formed simple bodies: what the fast path is for. */
const simpleBody = fc.record(
  {
    inputs: fc.dictionary(
      fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,6}$/),
      fc.oneof(
        fc.double({ noNaN: true, noDefaultInfinity: true }),
        fc.array(fc.double({ noNaN: true, noDefaultInfinity: true }), { minLength: 1, maxLength: 6 }),
        fc.integer({ min: 1, max: 3 }).chain((cols) => fc.array(fc.array(fc.integer(), { minLength: cols, maxLength: cols }), { minLength: 1, maxLength: 3 })),
      ),
      { maxKeys: 4 },
    ),
    expr: fc.string({ maxLength: 20 }),
    backward: fc.boolean(),
    outputs: fc.array(fc.constantFrom('x', 'y', '_a1', 'z'), { maxLength: 3 }),
    fields: fc.array(fc.constantFrom('data', 'shape', 'dtype', 'requires_grad', 'is_leaf', 'grad_fn', 'grad', 'repr'), { maxLength: 4 }),
    encoding: fc.constantFrom('json', 'base64'),
    diagnostics: fc.boolean(),
  },
  { requiredKeys: ['expr'] },
);

/** The fast path either declines, or gives what the schema gives (same values, same key order). */
function agrees(limits: Limits, body: unknown): 'fast' | 'declined' {
  // Bodies arrive through JSON.parse: no undefined, no non-JSON values.
  const parsed = JSON.parse(JSON.stringify(body) ?? 'null');
  const fast = evaluateRequestFastPath(limits)(parsed);
  if (fast === undefined) return 'declined';
  const zod = programSchemas(limits).EvaluateRequest.safeParse(parsed);
  expect(zod.success, JSON.stringify(parsed)).toBe(true);
  expect(fast).toEqual(zod.data);
  expect(JSON.stringify(fast)).toBe(JSON.stringify(zod.data));
  return 'fast';
}

describe('the evaluate request fast path', () => {
  it('gives exactly what the schema gives on the course programs', () => {
    expect(agrees(DEFAULT_LIMITS, SEEDS[0])).toBe('fast');
    expect(agrees(DEFAULT_LIMITS, SEEDS[1])).toBe('fast');
    expect(agrees(DEFAULT_LIMITS, SEEDS[3])).toBe('fast');
    expect(agrees(DEFAULT_LIMITS, { inputs: { x: Array.from({ length: 1000 }, (_, i) => i / 7) }, expr: 'Y = relu(x) * x ** 2\ny = sum(Y)' })).toBe('fast');
  });

  it('leaves to the schema what it does not cover (objects, graphs, functions, backward options)', () => {
    for (const seed of SEEDS.slice(5, 9)) expect(agrees(DEFAULT_LIMITS, seed)).toBe('declined');
  });

  it('agrees with the schema on 4000 mutated bodies', () => {
    const seen = { fast: 0, declined: 0 };
    fc.assert(
      fc.property(mutatedBody, (body) => {
        seen[agrees(DEFAULT_LIMITS, body)] += 1;
      }),
      { numRuns: 4000, seed: 6 },
    );
    expect(seen.fast).toBeGreaterThan(500);
  });

  it('agrees with the schema on 3000 generated simple bodies, under tight limits too', () => {
    const tight: Limits = { ...DEFAULT_LIMITS, maxInputs: 2, maxExprLength: 10, maxElementsPerInput: 4, maxStatements: 1 };
    const seen = { fast: 0, declined: 0 };
    fc.assert(
      fc.property(simpleBody, fc.boolean(), (body, useTight) => {
        seen[agrees(useTight ? tight : DEFAULT_LIMITS, body)] += 1;
      }),
      { numRuns: 3000, seed: 7 },
    );
    expect(seen.fast).toBeGreaterThan(1000);
  });

  it('declines every invalid body, so every error message is the schema own', () => {
    fc.assert(
      fc.property(fc.oneof(mutatedBody, fc.jsonValue({ maxDepth: 4 })), (body) => {
        const parsed = JSON.parse(JSON.stringify(body) ?? 'null');
        if (!programSchemas(DEFAULT_LIMITS).EvaluateRequest.safeParse(parsed).success) {
          expect(evaluateRequestFastPath(DEFAULT_LIMITS)(parsed)).toBeUndefined();
        }
      }),
      { numRuns: 3000, seed: 8 },
    );
  });
});

describe('withEvaluateFastPath', () => {
  const calls: unknown[] = [];
  const zodValidator = (data: unknown) => {
    calls.push(data);
    return { error: new Error('from zod') };
  };
  const compile = withEvaluateFastPath(DEFAULT_LIMITS, (_route: { schema: unknown }) => zodValidator);

  it('answers simple evaluate bodies itself and hands the rest to the zod validator', () => {
    const validate = compile({ schema: programSchemas(DEFAULT_LIMITS).EvaluateRequest });
    expect(validate({ inputs: { x: 2 }, expr: 'y = x' })).toEqual({ value: { inputs: { x: 2 }, expr: 'y = x', backward: true } });
    expect(calls).toEqual([]);
    expect(validate({ inputs: { x: 2 }, expr: 1 })).toEqual({ error: new Error('from zod') });
    expect(calls).toEqual([{ inputs: { x: 2 }, expr: 1 }]);
  });

  it('leaves other schemas (and other limits) to zod alone', () => {
    expect(compile({ schema: programSchemas({ ...DEFAULT_LIMITS }).EvaluateRequest })).toBe(zodValidator);
    expect(compile({ schema: programSchemas(DEFAULT_LIMITS).GraphNode })).toBe(zodValidator);
  });
});
