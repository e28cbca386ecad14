import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../../schemas/limits.js';
import { programSchemas } from '../../schemas/program.js';
import { backward } from '../../src/engine/autograd.js';
import {
  compiledLoopSources,
  exactForFloat32Functions,
  fusionMinElements,
  materializeTogether,
  setFusionMinElements,
} from '../../src/engine/kernels/fusion.js';
import { add } from '../../src/engine/ops/add.js';
import { exp } from '../../src/engine/ops/exp.js';
import { mul } from '../../src/engine/ops/mul.js';
import { sum } from '../../src/engine/ops/sum.js';
import { Tensor } from '../../src/engine/tensor.js';
import { evaluateProgram } from '../../src/program/run.js';
import type { GoldenCase } from '../support/conformance.js';

const { cases } = JSON.parse(readFileSync(new URL('../conformance/cases.json', import.meta.url), 'utf8')) as { cases: GoldenCase[] };
const { EvaluateRequest } = programSchemas(DEFAULT_LIMITS);
const defaultMinElements = fusionMinElements();

afterEach(() => setFusionMinElements(defaultMinElements));

/** The answer (or the problem) as the client gets it; base64 answers carry the exact bits. */
function outcome(request: unknown): string {
  try {
    return JSON.stringify(evaluateProgram(EvaluateRequest.parse(request), DEFAULT_LIMITS));
  } catch (error) {
    const e = error as { code?: string; message: string };
    return `problem ${e.code}: ${e.message}`;
  }
}

/** The same request without fusion and with every elementwise result fused. */
function bothWays(request: unknown): { unfused: string; fused: string } {
  setFusionMinElements(Infinity);
  const unfused = outcome(request);
  setFusionMinElements(1);
  const fused = outcome(request);
  return { unfused, fused };
}

describe('fused and unfused elementwise chains give the same answers, bit for bit', () => {
  const requests = cases.map((c) => c.request).filter((r) => EvaluateRequest.safeParse(r).success);

  it('on every golden case, as JSON and as base64 (exact bits)', () => {
    expect(requests.length).toBeGreaterThan(150);
    for (const request of requests) {
      for (const encoding of ['json', 'base64'] as const) {
        const { unfused, fused } = bothWays({ ...request, encoding });
        expect(fused, JSON.stringify(request)).toBe(unfused);
      }
    }
  });

  const unary = ['torch.relu', 'torch.exp', 'torch.sigmoid', 'torch.tanh', 'torch.sin', 'torch.abs', '-', 'torch.sqrt', 'torch.log'];
  const binary = ['+', '-', '*', '/', '**'];
  type Expr = { text: string };
  const leaf = fc.constantFrom<Expr>({ text: 'x' }, { text: 'w' }, { text: '2' }, { text: '0.5' }, { text: 's' });
  const expr: fc.Arbitrary<Expr> = fc.letrec<{ e: Expr }>((tie) => ({
    e: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      leaf,
      // `+ x` keeps a function's argument a tensor (a Python number is refused, as in PyTorch)
      fc.tuple(fc.constantFrom(...unary), tie('e')).map(([f, a]) => ({ text: f === '-' ? `(-${a.text})` : `${f}(${a.text} + x)` })),
      fc.tuple(tie('e'), fc.constantFrom(...binary), tie('e')).map(([a, op, b]) => ({ text: `(${a.text} ${op} ${b.text})` })),
    ),
  })).e;
  const special = fc.constantFrom(0, -0, 1, -1, 0.5, 1e-30, -3.5, 40, 1e30, NaN, Infinity, -Infinity);
  const value = fc.oneof(fc.double({ min: -4, max: 4, noNaN: true }), special);

  it('on 1000 random elementwise programs with NaN, infinities and -0, forward and backward, float32 and float64', () => {
    let answered = 0;
    fc.assert(
      fc.property(
        fc.array(expr, { minLength: 1, maxLength: 3 }),
        fc.integer({ min: 1, max: 40 }),
        fc.array(value, { minLength: 1, maxLength: 8 }),
        fc.constantFrom('float32', 'float64'),
        fc.boolean(),
        (statements, n, pool, dtype, sumResult) => {
          const data = Array.from({ length: n }, (_, i) => pool[i % pool.length]);
          const wire = (v: number) => (Number.isNaN(v) ? 'NaN' : v === Infinity ? 'Infinity' : v === -Infinity ? '-Infinity' : v);
          const lines = statements.map((s, i) => `y${i} = ${s.text} + x * ${i}`);
          lines.push(sumResult ? `z = (${lines.map((_, i) => `y${i}`).join(' + ')}).sum()` : `z = y0 * w`);
          const request = {
            inputs: { x: { data: data.map(wire), dtype }, w: { data: data.map((v) => wire(-v)).reverse(), dtype, requires_grad: false }, s: 3 },
            expr: lines.join('\n'),
            backward: sumResult ? { of: 'z', retain_grad: ['y0'] } : { of: 'z', gradient: data.map(() => 1) },
            encoding: 'base64' as const,
          };
          const { unfused, fused } = bothWays(request);
          expect(fused).toBe(unfused);
          if (fused.startsWith('{')) answered += 1;
        },
      ),
      { numRuns: 1000, seed: 21 },
    );
    expect(answered).toBeGreaterThan(800);
  });

  it('on chains longer than one loop and on shared subexpressions that double at every step', () => {
    const long = Array.from({ length: 100 }, (_, i) => `y${i + 1} = torch.sin(y${i}) * 1.01 + ${i % 7}`).join('\n');
    const doubling = Array.from({ length: 40 }, (_, i) => `y${i + 1} = y${i} * y${i} - y${i}`).join('\n');
    for (const program of [long, doubling]) {
      const request = { inputs: { y0: { linspace: { start: -1, end: 1, steps: 500 } } }, expr: `${program}\nz = y${program === long ? 100 : 40}.sum()`, encoding: 'base64' as const };
      const { unfused, fused } = bothWays(request);
      expect(fused.startsWith('{')).toBe(true);
      expect(fused).toBe(unfused);
    }
  });
});

describe('pending values', () => {
  it('are computed when read, and a chain and its gradient are computed together', () => {
    const run = () => {
      const x = new Tensor(Float32Array.of(-2, -1, 0, 1, 2), [5], { requiresGrad: true });
      const y = sum(add(mul(x, x), exp(x)));
      backward(y);
      return { x, y };
    };
    setFusionMinElements(Infinity);
    const eager = run();
    expect(eager.y.isPending || eager.x.grad?.isPending).toBe(false);
    setFusionMinElements(4);
    const fused = run();
    expect(fused.y.isPending && fused.x.grad?.isPending).toBe(true);
    materializeTogether([fused.y, fused.x.grad]);
    expect(fused.y.isPending || fused.x.grad?.isPending).toBe(false);
    expect(fused.y.item()).toBe(eager.y.item());
    expect(Array.from(fused.x.grad?.data ?? [])).toEqual(Array.from(eager.x.grad?.data ?? []));
  });

  it('are known to the storages they read until they are computed, and then forgotten (nothing keeps a computed result alive)', () => {
    setFusionMinElements(1);
    const x = new Tensor(Float32Array.of(1, 2, 3), [3]);
    const w = new Tensor(Float32Array.of(4, 5, 6), [3]);
    const y = mul(x, w);
    const z = add(x, 1);
    expect([...(x.storage.readers ?? [])]).toEqual([y, z]);
    expect([...(w.storage.readers ?? [])]).toEqual([y]);
    expect(Array.from(y.data)).toEqual([4, 10, 18]);
    expect([...(x.storage.readers ?? [])]).toEqual([z]);
    expect(w.storage.readers?.size).toBe(0);
    expect(y.readsFrom).toEqual([]);
    // writing x computes z first (it keeps the values it was made from), then z is forgotten too
    x.write(Float32Array.of(0, 0, 0));
    expect(z.isPending).toBe(false);
    expect(x.storage.readers).toBe(null);
    expect(Array.from(z.data)).toEqual([2, 3, 4]);
  });

  it('are counted against the allocation limits when they are created', async () => {
    setFusionMinElements(1);
    const { withAllocationLimits } = await import('../../src/engine/dtype.js');
    const x = new Tensor(new Float32Array(10), [10]);
    expect(() => withAllocationLimits({ maxElementsPerTensor: 100, maxEvaluationElements: 25 }, () => add(add(add(x, 1), 1), 1))).toThrow(/allocates more than 25/);
  });
});

describe('generated loops', () => {
  it('are made of the engine templates only: no name or number from a request ever appears in them', () => {
    setFusionMinElements(1);
    const request = {
      inputs: { secret_input_name: [1.25, 2.5, 3.75], other_secret: [4.5, 5.5, 6.5] },
      expr: 'secret_statement = torch.exp(secret_input_name * 98765.4321) + other_secret ** 3.14159\nresult_name = secret_statement.sum()',
    };
    expect(outcome(request).startsWith('{')).toBe(true);
    const sources = compiledLoopSources().join('\n');
    expect(sources.length).toBeGreaterThan(0);
    for (const text of ['secret', 'result_name', '98765', '3.14159', '4321']) expect(sources).not.toContain(text);
    expect(sources).toMatch(/^[\s\S]*fusedLoop\(fns, inputs, constants, outputs, n\)/);
  });

  it('are kept for the 512 most recently used structures', () => {
    setFusionMinElements(1);
    for (let k = 0; k < 600; k++) {
      const calls = Array.from({ length: 10 }, (_, bit) => ((k >> bit) & 1 ? 'torch.sin' : 'torch.cos'));
      const expr = `y = ${calls.join('(')}(x${')'.repeat(10)}.sum()`;
      expect(outcome({ inputs: { x: [0.5, 1, 2] }, expr }).startsWith('{')).toBe(true);
    }
    expect(compiledLoopSources().length).toBe(512);
  });

  it('skip rounding only for functions whose float32 result is already a float32', () => {
    const samples = Float32Array.of(0, -0, 1, -1, 0.1, -2.5, 3.4028234663852886e38, -1.401298464324817e-45, 1.17549435e-38, NaN, Infinity, -Infinity, 16777217, 7.5);
    const tagged = exactForFloat32Functions();
    // identity, negation, relu and its mask: tagged where they are defined, not recognised by their text
    expect(tagged.length).toBeGreaterThanOrEqual(4);
    for (const fn of tagged) {
      for (const v of samples) expect(Object.is(Math.fround(fn(v)), fn(v)), `${fn.toString()} at ${v}`).toBe(true);
    }
  });
});
