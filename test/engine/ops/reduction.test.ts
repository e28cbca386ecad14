import { describe, expect, it } from 'vitest';
import { backward } from '../../../src/engine/autograd.js';
import { bindArguments, TorchDType, type Value } from '../../../src/engine/op.js';
import { OPS_BY_NAME } from '../../../src/engine/ops/index.js';
import { sum } from '../../../src/engine/ops/sum.js';
import { Tensor } from '../../../src/engine/tensor.js';
import { checkFirstOrder, checkSecondOrder, examplesOf, withFusion } from '../../support/gradcheck.js';
import { casesOf, checkGoldenCase } from '../../support/op_goldens.js';

const REDUCTIONS = ['prod', 'amax', 'amin', 'std', 'var', 'norm', 'logsumexp', 'cumsum', 'cumprod'];
const ops = REDUCTIONS.map((name) => OPS_BY_NAME.get(name)!);

const call = (name: string, args: Value[], kwargs: Record<string, Value> = {}): Value => {
  const op = OPS_BY_NAME.get(name);
  if (!op) throw new Error(`no op ${name}`);
  return op.call(bindArguments(op, args, kwargs));
};
const f32 = (values: number[], requiresGrad = false) => new Tensor(Float32Array.from(values), [values.length], { requiresGrad });
const matrix = (rows: number[][], requiresGrad = false) => new Tensor(Float32Array.from(rows.flat()), [rows.length, rows[0].length], { requiresGrad });
const valuesOf = (v: Value | null) => Array.from((v as Tensor).data);

function gradientOf(name: string, x: Tensor, kwargs: Record<string, Value> = {}): number[] {
  backward(sum(call(name, [x], kwargs) as Tensor));
  return valuesOf(x.grad);
}

describe('float reductions against torch 1.13 (ops.json)', () => {
  const cases = casesOf('reduction', REDUCTIONS);
  it('covers the group', () => expect(cases.length).toBe(18));
  it.each(cases.map((c) => ({ name: c.name, c })))('$name', ({ c }) => {
    expect(checkGoldenCase(c)).toEqual([]);
    expect(withFusion(1, () => checkGoldenCase(c))).toEqual([]);
  });
});

describe('float reductions: conventions as torch gives them', () => {
  it("prod's gradient with zeros: the product of the others for a lone zero, 0 with two", () => {
    expect(gradientOf('prod', f32([2, 0, 3], true))).toEqual([0, 6, 0]);
    expect(gradientOf('prod', f32([2, 0, 0], true))).toEqual([0, 0, 0]);
    expect(gradientOf('prod', matrix([[2, 0], [3, 4]], true), { dim: 1 })).toEqual([0, 2, 4, 3]);
  });
  it('amax/amin share the gradient among ties; NaN propagates', () => {
    expect(gradientOf('amax', f32([1, 3, 3], true))).toEqual([0, 0.5, 0.5]);
    expect(gradientOf('amin', matrix([[1, 1], [2, 0]], true), { dim: 1 })).toEqual([0.5, 0.5, 0, 1]);
    expect(valuesOf(call('amax', [f32([1, NaN, 3])]))).toEqual([NaN]);
  });
  it('var/std: correction and unbiased, and the all-equal case', () => {
    const x = f32([1, 2, 3, 4]);
    expect(valuesOf(call('var', [x]))).toEqual([1.6666666269302368]);
    expect(valuesOf(call('var', [x], { unbiased: false }))).toEqual([1.25]);
    expect(valuesOf(call('var', [x, false]))).toEqual([1.25]);
    expect(valuesOf(call('std', [x], { correction: 0 }))).toEqual([1.1180340051651]);
    expect(gradientOf('std', f32([2, 2, 2], true))).toEqual([0, 0, 0]);
    expect(valuesOf(call('var', [f32([1])]))).toEqual([NaN]);
  });
  it('norm: p=0 gives no gradient, inf shares it among ties, 2 is 0 at the origin', () => {
    const x = f32([1, 0, -2], true);
    const y = call('norm', [x, 0n]) as Tensor;
    expect(y.item()).toBe(2);
    backward(y);
    expect(x.grad).toBeNull();
    expect(gradientOf('norm', f32([1, -3, 3], true), { p: Infinity })).toEqual([0, -0.5, 0.5]);
    expect(gradientOf('norm', f32([0, 0], true))).toEqual([0, 0]);
    expect((call('norm', [matrix([[1, 2], [3, 4]], true)], { dim: [0, 1] }) as Tensor).gradFn?.name).toBe('SqrtBackward0');
  });
  it('logsumexp of -inf rows stays -inf; cumprod through a zero', () => {
    expect(valuesOf(call('logsumexp', [f32([-Infinity, -Infinity]), 0n]))).toEqual([-Infinity]);
    expect(gradientOf('cumprod', f32([2, 0, 3], true), { dim: 0n })).toEqual([1, 8, 0]);
  });
});

describe('float reductions: dtype= computes in that dtype, with one node (as torch)', () => {
  const float64 = TorchDType.of('float64');
  it.each([
    ['cumsum', [0n], 'CumsumBackward0'],
    ['cumprod', [0n], 'CumprodBackward0'],
    ['prod', [], 'ProdBackward0'],
  ] as const)('%s', (name, args, node) => {
    const x = f32([0.5, -1.5, 2], true);
    const y = call(name, [x, ...args], { dtype: float64 }) as Tensor;
    expect([y.dtype, y.gradFn?.name, y.gradFn?.next[0].node?.name]).toEqual(['float64', node, 'AccumulateGrad']);
    backward(sum(y));
    expect(x.grad?.dtype).toBe('float32');
  });
  it('norm: NormBackward3 with a dtype; frobenius refuses one', () => {
    const x = f32([3, 4], true);
    const y = call('norm', [x], { p: 2n, dim: 0n, dtype: float64 }) as Tensor;
    expect([y.dtype, y.gradFn?.name, y.item()]).toEqual(['float64', 'NormBackward3', 5]);
    expect(() => call('norm', [x], { dtype: float64 })).toThrow('dtype argument is not supported in frobenius norm');
  });
});

describe('float reductions: misuse gives torch messages', () => {
  const m = matrix([[1, 2, 3], [4, 5, 6]]);
  it('dims', () => {
    expect(() => call('amax', [m, 3n])).toThrow('Dimension out of range (expected to be in range of [-2, 1], but got 3)');
    expect(() => call('amax', [m], { dim: [0n, 0n] })).toThrow('dim 0 appears multiple times in the list of dims');
    expect(() => call('amax', [new Tensor(new Float32Array(0), [0])])).toThrow("amax(): Expected reduction dim to be specified for input.numel() == 0. Specify the reduction dim with the 'dim' argument.");
  });
  it('norm p and dims', () => {
    expect(() => call('norm', [m], { p: 'foo' })).toThrow("only valid string values are 'fro' and 'nuc', found foo");
    const cube = new Tensor(new Float32Array(8), [2, 2, 2]);
    expect(() => call('norm', [cube], { p: 'fro', dim: [0n, 1n, 2n] })).toThrow('Expected at most 2 dimensions, but got 3 dimensions instead.');
  });
  it('var: unbiased and correction together, a float dim', () => {
    expect(() => call('var', [m], { dim: 1n, unbiased: false, correction: 0n })).toThrow('var() received an invalid combination of arguments');
    expect(() => call('var', [m, 1.5])).toThrow('var() received an invalid combination of arguments');
  });
  it('required dims', () => {
    expect(() => call('logsumexp', [m])).toThrow("logsumexp() missing required argument 'dim'");
    expect(() => call('cumsum', [m])).toThrow("cumsum() missing required argument 'dim'");
  });
});

describe('float reductions: gradients against finite differences', () => {
  const examples = examplesOf(ops);
  it.each(examples)('first order $label', ({ op, example, label }) => checkFirstOrder(op, example, label));
  it.each(examples)('second order $label', ({ op, example, label }) => checkSecondOrder(op, example, label));
  it.each(examples)('second order, fused, $label', ({ op, example, label }) => withFusion(1, () => checkSecondOrder(op, example, label)));
});
