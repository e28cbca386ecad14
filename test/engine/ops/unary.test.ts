import { describe, expect, it } from 'vitest';
import { backward } from '../../../src/engine/autograd.js';
import { bindArguments, type Value } from '../../../src/engine/op.js';
import { OPS_BY_NAME } from '../../../src/engine/ops/index.js';
import { Tensor } from '../../../src/engine/tensor.js';
import { checkFirstOrder, checkSecondOrder, examplesOf, withFusion } from '../../support/gradcheck.js';
import { casesOf, checkGoldenCase } from '../../support/op_goldens.js';

const UNARY = [
  'exp', 'exp2', 'expm1', 'log', 'log2', 'log10', 'log1p', 'sqrt', 'rsqrt', 'square', 'sin', 'cos', 'tan',
  'asin', 'acos', 'atan', 'sinh', 'cosh', 'asinh', 'acosh', 'atanh', 'erf', 'erfc', 'erfinv',
  'sign', 'floor', 'ceil', 'round', 'trunc', 'frac', 'neg', 'reciprocal', 'abs', 'sigmoid', 'logit', 'expit',
];
const ops = UNARY.map((name) => {
  const op = OPS_BY_NAME.get(name);
  if (!op) throw new Error(`no op ${name}`);
  return op;
});

const call = (name: string, args: Value[], kwargs: Record<string, Value> = {}): Value => {
  const op = OPS_BY_NAME.get(name);
  if (!op) throw new Error(`no op ${name}`);
  return op.call(bindArguments(op, args, kwargs));
};
const f32 = (values: number[]) => new Tensor(Float32Array.from(values), [values.length]);
const f64 = (values: number[]) => new Tensor(Float64Array.from(values), [values.length]);
const valuesOf = (v: Value) => Array.from((v as Tensor).data);

describe('unary ops against torch 1.13 (ops.json)', () => {
  const cases = casesOf('unary');
  it('covers every unary case', () => expect(cases.length).toBe(70));
  it.each(cases.map((c) => ({ name: c.name, c })))('$name', ({ c }) => {
    expect(checkGoldenCase(c)).toEqual([]);
    expect(withFusion(1, () => checkGoldenCase(c))).toEqual([]);
  });
});

describe('unary ops: values torch gives at special points', () => {
  it('round: ties to even, -0 kept; decimals= overload (RoundBackward1)', () => {
    expect(valuesOf(call('round', [f32([-2.5, -0.5, 0.5, 1.5, 2.5, -0.3])]))).toEqual([-2, -0, 0, 2, 2, -0]);
    expect(valuesOf(call('round', [f32([0.125, 0.375, 2.675])], { decimals: 2n }))).toEqual([0.11999999731779099, 0.3799999952316284, 2.680000066757202]);
    expect(valuesOf(call('round', [f32([125, 135])], { decimals: -1n }))).toEqual([120, 140]);
    const x = new Tensor(Float32Array.of(1.5), [1], { requiresGrad: true });
    expect((call('round', [x]) as Tensor).gradFn?.name).toBe('RoundBackward0');
    expect((call('round', [x], { decimals: 0n }) as Tensor).gradFn?.name).toBe('RoundBackward1');
  });

  it('sign is 0 at ±0 and NaN; frac keeps the sign; floor/ceil/trunc keep -0', () => {
    expect(valuesOf(call('sign', [f32([NaN, -0, 0, -2, 3, Infinity])]))).toEqual([0, 0, 0, -1, 1, 1]);
    expect(valuesOf(call('frac', [f32([-1.5, 2, Infinity, NaN])]))).toEqual([-0.5, 0, NaN, NaN]);
    expect(Object.is(valuesOf(call('trunc', [f32([-0.5])]))[0], -0)).toBe(true);
    expect(Object.is(valuesOf(call('ceil', [f32([-0.5])]))[0], -0)).toBe(true);
  });

  it('erfinv is ±inf at ±1 and NaN outside; erfc keeps its digits far out', () => {
    expect(valuesOf(call('erfinv', [f64([1, -1, 1.5, 0])]))).toEqual([Infinity, -Infinity, NaN, 0]);
    expect(valuesOf(call('erfc', [f64([10])]))[0]).toBeCloseTo(2.088487583762545e-45, 58);
    expect(valuesOf(call('erf', [f64([0.5])]))[0]).toBeCloseTo(0.5204998778130465, 15);
  });

  it('logit without eps: inf at 1, NaN outside [0, 1]; with eps the input is clamped', () => {
    expect(valuesOf(call('logit', [f32([1, 0, -1, 0.5])]))).toEqual([Infinity, -Infinity, NaN, 0]);
    // torch: ±2.1972244 (its vectorised log is within an ulp of the correctly rounded value we give)
    const clamped = valuesOf(call('logit', [f32([0, 1, 0.5])], { eps: 0.1 }));
    expect(clamped[0]).toBeCloseTo(-2.1972244, 6);
    expect(clamped[1]).toBeCloseTo(2.1972244, 6);
    expect(clamped[2]).toBe(0);
  });

  it("logit's gradient: 0 outside [eps, 1 - eps] with eps, NaN outside [0, 1] and inf at 0 and 1 without", () => {
    const grads = (eps: number | null) => {
      const x = new Tensor(Float32Array.of(0, 1, 0.5, -1, 0.05, 0.1), [6], { requiresGrad: true });
      backward(call('sum', [call('logit', [x], { eps })]) as Tensor);
      return valuesOf(x.grad as Tensor);
    };
    expect(grads(0.1)).toEqual([0, 0, 4, 0, 0, 11.111111640930176]);
    expect(grads(null)).toEqual([Infinity, Infinity, 4, NaN, 21.052631378173828, 11.111111640930176]);
  });
});

describe('unary ops: misuse gives torch messages', () => {
  it('a Python number where a tensor is required', () => {
    expect(() => call('exp2', [2n])).toThrow("exp2(): argument 'input' (position 1) must be Tensor, not int");
    expect(() => call('erfinv', [0.5])).toThrow("erfinv(): argument 'input' (position 1) must be Tensor, not float");
  });
  it('round(decimals=) takes an int', () => {
    expect(() => call('round', [f32([1])], { decimals: 1.5 })).toThrow("round(): argument 'decimals' (position 2) must be int, not float");
  });
});

describe('unary ops: gradients against finite differences', () => {
  const examples = examplesOf(ops);
  it.each(examples)('first order $label', ({ op, example, label }) => checkFirstOrder(op, example, label));
  it.each(examples)('second order $label', ({ op, example, label }) => checkSecondOrder(op, example, label));
  it.each(examples)('second order, fused, $label', ({ op, example, label }) => withFusion(1, () => checkSecondOrder(op, example, label)));
});
