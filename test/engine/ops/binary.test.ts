import { describe, expect, it } from 'vitest';
import { backward } from '../../../src/engine/autograd.js';
import { bindArguments, type Value } from '../../../src/engine/op.js';
import { OPS_BY_NAME } from '../../../src/engine/ops/index.js';
import { sum } from '../../../src/engine/ops/sum.js';
import { Tensor } from '../../../src/engine/tensor.js';
import { checkFirstOrder, checkSecondOrder, examplesOf, withFusion } from '../../support/gradcheck.js';
import { casesOf, checkGoldenCase } from '../../support/op_goldens.js';

const BINARY = [
  'atan2', 'maximum', 'minimum', 'fmod', 'remainder', 'hypot', 'lerp', 'clamp', 'clip', 'clamp_min', 'clamp_max',
  'addcmul', 'addcdiv', 'true_divide', 'div', 'add', 'sub', 'floor_divide',
];
/** Catalog op names of this group (ops.json tags) for the ops above. */
const CATALOG = ['atan2', 'maximum', 'minimum', 'fmod', 'remainder', 'hypot', 'lerp', 'clamp-tensor-bounds', 'clip-tensor-bounds', 'addcmul', 'addcdiv', 'true_divide', 'div-rounding', 'add-sub-alpha', 'floor_divide'];
const ops = BINARY.filter((name) => OPS_BY_NAME.has(name)).map((name) => OPS_BY_NAME.get(name)!);

const call = (name: string, args: Value[], kwargs: Record<string, Value> = {}): Value => {
  const op = OPS_BY_NAME.get(name);
  if (!op) throw new Error(`no op ${name}`);
  return op.call(bindArguments(op, args, kwargs));
};
const f32 = (values: number[], requiresGrad = false) => new Tensor(Float32Array.from(values), [values.length], { requiresGrad });
const valuesOf = (v: Value | null) => Array.from((v as Tensor).data);

describe('binary arithmetic against torch 1.13 (ops.json)', () => {
  const cases = casesOf('binary', CATALOG);
  it('covers the group', () => expect(cases.length).toBe(30));
  it.each(cases.map((c) => ({ name: c.name, c })))('$name', ({ c }) => {
    expect(checkGoldenCase(c)).toEqual([]);
    expect(withFusion(1, () => checkGoldenCase(c))).toEqual([]);
  });
});

describe('binary arithmetic: values and conventions as torch gives them', () => {
  it('maximum/minimum propagate NaN and split the gradient on ties', () => {
    expect(valuesOf(call('maximum', [f32([1, NaN, 2]), f32([NaN, 1, 2])]))).toEqual([NaN, NaN, 2]);
    const a = f32([1, 2, 3], true);
    const b = f32([1, 3, 2], true);
    backward(sum(call('maximum', [a, b]) as Tensor));
    expect(valuesOf(a.grad)).toEqual([0.5, 0, 1]);
    expect(valuesOf(b.grad)).toEqual([0.5, 1, 0]);
  });
  it('fmod keeps the sign of the dividend, remainder that of the divisor', () => {
    expect(valuesOf(call('fmod', [f32([-3, 3, -3]), 2n]))).toEqual([-1, 1, -1]);
    expect(valuesOf(call('remainder', [f32([-3, 3, -3]), 2n]))).toEqual([1, 1, 1]);
    expect(valuesOf(call('remainder', [f32([-3, 3]), f32([-2, -2])]))).toEqual([-1, -1]);
  });
  it("div's rounding modes: floor as torch computes it, trunc towards 0 keeping -0", () => {
    expect(valuesOf(call('floor_divide', [f32([2.5, -2.5, 7, -0.5, 1]), f32([2, 2, 3, 0.25, 0])]))).toEqual([1, -2, 2, -2, Infinity]);
    expect(valuesOf(call('floor_divide', [f32([-0.5, 0.5]), 4n]))).toEqual([-1, 0]);
    expect(Object.is(valuesOf(call('floor_divide', [f32([-0]), 4n]))[0], -0)).toBe(true);
  });
  it('floor_divide has no derivative: NotImplemented, and backward fails as in torch', () => {
    const a = f32([1, 2], true);
    const r = call('floor_divide', [a, f32([2, 2])]) as Tensor;
    expect(r.gradFn?.name).toBe('NotImplemented');
    expect(() => backward(sum(r))).toThrow('derivative for aten::floor_divide is not implemented');
  });
  it('clamp with tensor bounds: ClampBackward0, gradients to x, min and max as torch splits them', () => {
    const x = f32([0.5, -1.25, 2, 0.75], true);
    const lo = f32([0, -1, 0, 1], true);
    const hi = f32([1, 0, 1.5, 2], true);
    const r = call('clamp', [x], { min: lo, max: hi }) as Tensor;
    expect(r.gradFn?.name).toBe('ClampBackward0');
    backward(sum(r));
    expect([valuesOf(x.grad), valuesOf(lo.grad), valuesOf(hi.grad)]).toEqual([[1, 0, 0, 0], [0, 1, 0, 1], [0, 0, 1, 0]]);
    expect((call('clamp', [x, -1, 1]) as Tensor).gradFn?.name).toBe('ClampBackward1');
  });
  it('lerp is exact at the ends', () => {
    expect(valuesOf(call('lerp', [f32([0.1, -3]), f32([0.7, 5]), 1]))).toEqual([0.699999988079071, 5]);
    expect(valuesOf(call('lerp', [f32([0.1, -3]), f32([0.7, 5]), 0]))).toEqual([0.10000000149011612, -3]);
  });
});

describe('binary arithmetic: misuse gives torch messages', () => {
  it('tensor-only arguments', () => {
    expect(() => call('atan2', [f32([1]), 2.5])).toThrow("atan2(): argument 'other' (position 2) must be Tensor, not float");
    expect(() => call('maximum', [f32([1]), 2n])).toThrow("maximum(): argument 'other' (position 2) must be Tensor, not int");
  });
  it('lerp wants one dtype', () => {
    const double = new Tensor(Float64Array.of(1), [1]);
    expect(() => call('lerp', [f32([1]), double, 0.5])).toThrow('expected dtype float for `end` but got dtype double');
    expect(() => call('lerp', [f32([1]), f32([1]), double])).toThrow('expected dtype float for `weight` but got dtype double');
  });
  it('addcmul/addcdiv take value only as a keyword', () => {
    expect(() => call('addcdiv', [f32([1]), f32([1]), f32([1]), 0.5])).toThrow('addcdiv() takes 3 positional arguments but 4 were given');
  });
  it('clamp needs a bound and does not mix numbers with tensors', () => {
    expect(() => call('clamp', [f32([1])])).toThrow("torch.clamp: At least one of 'min' or 'max' must not be None");
    expect(() => call('clamp', [f32([1]), f32([0]), 1.5])).toThrow('clamp() received an invalid combination of arguments');
  });
  it('div checks its rounding mode', () => {
    if (!OPS_BY_NAME.get('div')?.params.some((p) => p.name === 'rounding_mode')) return;
    expect(() => call('div', [f32([1]), 2n], { rounding_mode: 'foo' })).toThrow("div expected rounding_mode to be one of None, 'trunc', or 'floor' but found 'foo'");
  });
});

describe('binary arithmetic: gradients against finite differences', () => {
  const examples = examplesOf(ops);
  it.each(examples)('first order $label', ({ op, example, label }) => checkFirstOrder(op, example, label));
  it.each(examples)('second order $label', ({ op, example, label }) => checkSecondOrder(op, example, label));
  it.each(examples)('second order, fused, $label', ({ op, example, label }) => withFusion(1, () => checkSecondOrder(op, example, label)));
});
