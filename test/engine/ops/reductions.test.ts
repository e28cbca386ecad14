import { describe, expect, it } from 'vitest';
import { backward } from '../../../src/engine/autograd.js';
import { bindArguments, type NamedTuple, type OpDef, type Value } from '../../../src/engine/op.js';
import { logSoftmax } from '../../../src/engine/ops/log_softmax.js';
import maxOp, { max } from '../../../src/engine/ops/max.js';
import meanOp, { mean } from '../../../src/engine/ops/mean.js';
import { min } from '../../../src/engine/ops/min.js';
import { mseLoss } from '../../../src/engine/ops/mse_loss.js';
import { mul } from '../../../src/engine/ops/mul.js';
import { pow } from '../../../src/engine/ops/pow.js';
import softmaxOp, { softmax } from '../../../src/engine/ops/softmax.js';
import { sum } from '../../../src/engine/ops/sum.js';
import { Tensor } from '../../../src/engine/tensor.js';
import { expectAllClose, numericGradient } from '../../support/finite_differences.js';

/** A float32 leaf; nested arrays give its shape. */
function leaf(values: number | number[] | number[][], requiresGrad = true): Tensor {
  const rows = typeof values === 'number' ? null : values;
  const shape = rows === null ? [] : Array.isArray(rows[0]) ? [rows.length, (rows[0] as number[]).length] : [rows.length];
  const data = Float32Array.from(rows === null ? [values as number] : (rows.flat() as number[]));
  return new Tensor(data, shape, { requiresGrad });
}

const values = (t: Tensor | null): number[] => Array.from((t as Tensor).data);
const gradFnOf = (t: Tensor): string | null => t.gradFn?.name ?? null;
const callOp = (op: OpDef, args: Value[], kwargs: Record<string, Value> = {}): Value => op.call(bindArguments(op, args, kwargs));

// Golden values from /work/shared/conformance/cases.json (torch 1.13, float32).
const X = [0.5, -1.25, 2.0, 0.75];
const M = [
  [0.5, -1.0, 2.0],
  [1.5, 0.25, -0.75],
];

describe('mean', () => {
  it('averages every element: MeanBackward0, 1/n to each (op/mean)', () => {
    const x = leaf(X);
    const y = mean(x);
    expect(y.shape).toEqual([]);
    expect(y.item()).toBe(0.5);
    expect(gradFnOf(y)).toBe('MeanBackward0');
    backward(y);
    expect(values(x.grad)).toEqual([0.25, 0.25, 0.25, 0.25]);
  });

  it('averages along a dim: MeanBackward1 (op/mean-dim)', () => {
    const m = leaf(M);
    const r = mean(m, 1);
    expect(gradFnOf(r)).toBe('MeanBackward1');
    expect(r.shape).toEqual([2]);
    const y = sum(pow(r, 2));
    expect(y.item()).toBe(0.3611111044883728);
    backward(y);
    const third = 0.3333333432674408;
    const twoNinths = 0.2222222238779068;
    expect(values(m.grad)).toEqual([third, third, third, twoNinths, twoNinths, twoNinths]);
  });

  it('keeps the reduced dim with keepdim=True, and accepts negative dims', () => {
    const m = leaf(M);
    const kept = callOp(meanOp, [m], { dim: -2, keepdim: true }) as Tensor;
    expect(kept.shape).toEqual([1, 3]);
    expect(values(kept)).toEqual([1, -0.375, 0.625]);
    backward(sum(kept));
    expect(values(m.grad)).toEqual([0.5, 0.5, 0.5, 0.5, 0.5, 0.5]);
  });

  it('is the float32 cascade sum divided once by n', () => {
    const data = Array.from({ length: 1000 }, (_, i) => Math.fround(Math.sin(i) * 3));
    const total = sum(leaf(data, false)).item();
    expect(mean(leaf(data, false)).item()).toBe(Math.fround(total / 1000));
  });

  it('reports an out-of-range dim as PyTorch does', () => {
    expect(() => mean(leaf(M), 2)).toThrow('Dimension out of range (expected to be in range of [-2, 1], but got 2)');
  });
});

describe('max and min over all elements', () => {
  it('MaxBackward1 / MinBackward1 with the gradient on the extreme element (op/max, op/min)', () => {
    const x = leaf(X);
    const y = max(x);
    expect(y.item()).toBe(2);
    expect(gradFnOf(y)).toBe('MaxBackward1');
    backward(y);
    expect(values(x.grad)).toEqual([0, 0, 1, 0]);

    const z = leaf(X);
    const w = min(z);
    expect(w.item()).toBe(-1.25);
    expect(gradFnOf(w)).toBe('MinBackward1');
    backward(w);
    expect(values(z.grad)).toEqual([0, 1, 0, 0]);
  });

  it('shares the gradient evenly among k tied elements', () => {
    const x = leaf([3, 1, 3, 3, -2]);
    backward(mul(max(x), 6));
    expect(values(x.grad)).toEqual([2, 0, 2, 2, 0]);

    const z = leaf([[-1, 4], [-1, 0]]);
    backward(min(z));
    expect(values(z.grad)).toEqual([0.5, 0, 0.5, 0]);
  });

  it('propagates NaN, and NaN elements share the gradient', () => {
    const x = leaf([1, NaN, 5, NaN]);
    const y = max(x);
    expect(Number.isNaN(y.item())).toBe(true);
    expect(Number.isNaN(min(leaf([NaN, -3], false)).item())).toBe(true);
    backward(y);
    expect(values(x.grad)).toEqual([0, 0.5, 0, 0.5]);
  });

  it('refuses an empty tensor without a dim', () => {
    const empty = new Tensor(new Float32Array(0), [0], { requiresGrad: true });
    expect(() => max(empty)).toThrow(
      "max(): Expected reduction dim to be specified for input.numel() == 0. Specify the reduction dim with the 'dim' argument.",
    );
    expect(() => min(empty)).toThrow('min(): Expected reduction dim to be specified');
  });
});

describe('max and min along a dim', () => {
  it('returns the values only, MaxBackward0, gradient to the returned index (op/max-dim)', () => {
    const m = leaf(M);
    const r = max(m, 1);
    expect(gradFnOf(r)).toBe('MaxBackward0');
    expect(r.shape).toEqual([2]);
    expect(values(r)).toEqual([2, 1.5]);
    const y = sum(r);
    expect(y.item()).toBe(3.5);
    backward(y);
    expect(values(m.grad)).toEqual([0, 0, 1, 1, 0, 0]);
  });

  it('gives the whole gradient to the first of tied elements', () => {
    const m = leaf([[2, 5, 5], [7, 7, 1]]);
    backward(sum(max(m, 1)));
    expect(values(m.grad)).toEqual([0, 1, 0, 1, 0, 0]);

    const n = leaf([[4, 1], [4, 1]]);
    const r = min(n, 0);
    expect(gradFnOf(r)).toBe('MinBackward0');
    backward(sum(r));
    expect(values(n.grad)).toEqual([1, 1, 0, 0]);
  });

  it('keeps the reduced dim with keepdim=True', () => {
    const m = leaf(M);
    const r = (callOp(maxOp, [m], { dim: 0, keepdim: true }) as NamedTuple).values[0] as Tensor;
    expect(r.shape).toEqual([1, 3]);
    expect(values(r)).toEqual([1.5, 0.25, 2]);
    backward(sum(mul(r, leaf([[1, 2, 3]], false))));
    expect(values(m.grad)).toEqual([0, 0, 3, 1, 2, 0]);
  });

  it('selects a NaN along the dim', () => {
    const m = leaf([[1, NaN, 3], [1, 2, 3]]);
    const r = max(m, 1);
    expect(Number.isNaN(r.data[0])).toBe(true);
    expect(r.data[1]).toBe(3);
    backward(sum(r));
    expect(values(m.grad)).toEqual([0, 1, 0, 0, 0, 1]);
  });

  it('reduces a 0-dim tensor along dim 0 to itself', () => {
    const x = leaf(4);
    const r = max(x, 0);
    expect(r.shape).toEqual([]);
    backward(r);
    expect(values(x.grad)).toEqual([1]);
  });

  it('refuses an empty reduction dim', () => {
    const empty = new Tensor(new Float32Array(0), [2, 0]);
    expect(() => max(empty, 1)).toThrow('max(): Expected reduction dim 1 to have non-zero size.');
  });
});

describe('softmax and log_softmax', () => {
  it('softmax: SoftmaxBackward0 with the golden values (op/softmax)', () => {
    const x = leaf(X);
    const p = softmax(x, 0);
    expect(gradFnOf(p)).toBe('SoftmaxBackward0');
    expect(values(p)).toEqual([0.14410282671451569, 0.02504131570458412, 0.6458240747451782, 0.1850316971540451]);
    const y = sum(mul(p, p));
    expect(y.item()).toBe(0.47271817922592163);
    backward(y);
    expect(values(x.grad)).toEqual([-0.09470880776643753, -0.022420834749937057, 0.2235919088125229, -0.10646223276853561]);
  });

  it('log_softmax: LogSoftmaxBackward0 with the golden values (op/log_softmax)', () => {
    const m = leaf(M);
    const l = logSoftmax(m, 1);
    expect(gradFnOf(l)).toBe('LogSoftmaxBackward0');
    const y = sum(l);
    expect(y.item()).toBe(-9.715950965881348);
    backward(y);
    expect(values(m.grad)).toEqual([
      0.4741288423538208, 0.882662296295166, -1.3567910194396973, -1.1553211212158203, 0.38249021768569946, 0.7728308439254761,
    ]);
  });

  it('normalises along the dim asked for, including dim 0 and negative dims', () => {
    const m = leaf(M, false);
    const columns = callOp(softmaxOp, [m], { dim: 0 }) as Tensor;
    const sums = sum(columns, 0);
    values(sums).forEach((s) => expect(s).toBeCloseTo(1, 6));
    expect(values(softmax(m, -1))).toEqual(values(softmax(m, 1)));
  });

  it('stays finite for large inputs (the max is subtracted first)', () => {
    const x = leaf([1000, 1001, 1002], false);
    const p = softmax(x, 0);
    values(p).forEach((v) => expect(Number.isFinite(v)).toBe(true));
    expect(values(p)[2]).toBeCloseTo(0.66524, 4);
    const l = logSoftmax(x, 0);
    expect(values(l)[0]).toBeCloseTo(-2.40761, 4);
  });

  it('gives a differentiable gradient (create_graph) that matches finite differences', () => {
    const x = new Tensor(Float64Array.of(0.3, -0.2, 0.9), [3], { requiresGrad: true });
    const weights = new Tensor(Float64Array.of(1, 2, 3), [3]);
    /** Σ (d/dx Σ w·softmax(x))², the gradient computed by the engine. */
    const squaredGradient = (createGraph: boolean): Tensor => {
      x.grad = null;
      backward(sum(mul(softmax(x, 0), weights)), { createGraph });
      const g = x.grad as unknown as Tensor;
      return sum(mul(g, g));
    };
    const h = squaredGradient(true);
    expect(h.requiresGrad).toBe(true);
    x.grad = null;
    backward(h);
    const analytic = values(x.grad);
    const numeric = numericGradient(() => squaredGradient(false).item(), x);
    expectAllClose(analytic, numeric, { rtol: 1e-5, atol: 1e-8 }, 'second derivative of softmax');
  });
});

describe('mse_loss', () => {
  it('MseLossBackward0 with an edge for each operand (op/mse_loss)', () => {
    const x = leaf(X);
    const t = leaf([0, 1, 0, 1], false);
    const y = mseLoss(x, t);
    expect(gradFnOf(y)).toBe('MseLossBackward0');
    expect(y.item()).toBe(2.34375);
    expect(y.gradFn?.next.map((e) => e.node?.name ?? null)).toEqual(['AccumulateGrad', null]);
    backward(y);
    expect(values(x.grad)).toEqual([0.25, -1.125, 1, -0.125]);
  });

  it('sends the negative gradient to the target', () => {
    const x = leaf(X);
    const t = leaf([0, 1, 0, 1]);
    backward(mseLoss(x, t));
    expect(values(t.grad)).toEqual(values(x.grad).map((v) => -v));
  });

  it('broadcasts its operands first, as F.mse_loss does (ExpandBackward0)', () => {
    const x = leaf([[1, 2], [3, 4]]);
    const t = leaf(2);
    const y = mseLoss(x, t);
    expect(y.item()).toBe(1.5);
    expect(y.gradFn?.next.map((e) => e.node?.name)).toEqual(['AccumulateGrad', 'ExpandBackward0']);
    backward(y);
    expect(values(x.grad)).toEqual([-0.5, 0, 0.5, 1]);
    expect(values(t.grad)).toEqual([-1]);
  });
});
