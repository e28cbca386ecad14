import { describe, expect, it } from 'vitest';
import { backward, grad } from '../../../src/engine/autograd.js';
import { bindArguments, TorchDType, type Value } from '../../../src/engine/op.js';
import { OPS_BY_NAME } from '../../../src/engine/ops/index.js';
import { sum } from '../../../src/engine/ops/sum.js';
import { Tensor } from '../../../src/engine/tensor.js';
import { checkFirstOrder, checkSecondOrder, examplesOf, withFusion } from '../../support/gradcheck.js';
import { casesOf, checkGoldenCase } from '../../support/op_goldens.js';

const ACTIVATIONS = [
  'relu', 'relu6', 'leaky_relu', 'elu', 'selu', 'celu', 'gelu', 'silu', 'mish', 'softplus', 'softsign', 'hardtanh',
  'hardsigmoid', 'hardswish', 'logsigmoid', 'tanhshrink', 'softshrink', 'hardshrink', 'threshold', 'softmin', 'softmax',
  'log_softmax', 'glu', 'normalize', 'prelu',
];
const present = ACTIVATIONS.filter((name) => OPS_BY_NAME.has(name));
const ops = present.map((name) => OPS_BY_NAME.get(name)!);

const call = (name: string, args: Value[], kwargs: Record<string, Value> = {}): Value => {
  const op = OPS_BY_NAME.get(name);
  if (!op) throw new Error(`no op ${name}`);
  return op.call(bindArguments(op, args, kwargs));
};
const f32 = (values: number[], requiresGrad = false) => new Tensor(Float32Array.from(values), [values.length], { requiresGrad });
const valuesOf = (v: Value | null) => Array.from((v as Tensor).data);

/** The gradient of sum(op(x)) at x, as float32 values. */
function gradientAt(name: string, xs: number[], kwargs: Record<string, Value> = {}): number[] {
  const x = f32(xs, true);
  backward(sum(call(name, [x], kwargs) as Tensor));
  return valuesOf(x.grad);
}

describe('activations against torch 1.13 (ops.json)', () => {
  const cases = casesOf('activation', present);
  it.each(cases.map((c) => ({ name: c.name, c })))('$name', ({ c }) => {
    expect(checkGoldenCase(c)).toEqual([]);
    expect(withFusion(1, () => checkGoldenCase(c))).toEqual([]);
  });
});

describe('activations: conventions at kinks, as torch 1.13 gives them', () => {
  it('hardtanh and relu6: no gradient at a bound (unlike clamp)', () => {
    expect(gradientAt('hardtanh', [-1, 1, 0.5, -2])).toEqual([0, 0, 1, 0]);
    expect(gradientAt('relu6', [0, 6, 3, 7])).toEqual([0, 0, 1, 0]);
  });
  it('leaky_relu at 0 takes the negative slope; elu at 0 the left side', () => {
    expect(gradientAt('leaky_relu', [0, 1, -1], { negative_slope: 0.2 })).toEqual([0.20000000298023224, 1, 0.20000000298023224]);
    expect(gradientAt('elu', [0], { alpha: 1.5 })).toEqual([1.5]);
  });
  it('hardsigmoid: 0 at ±3; hardswish: x/3 + 1/2 on [-3, 3]', () => {
    expect(gradientAt('hardsigmoid', [-3, 3, 0])).toEqual([0, 0, 0.1666666716337204]);
    expect(gradientAt('hardswish', [-3, 3, 4, -4])).toEqual([-0.5, 1.5, 1, 0]);
  });
  it('softshrink and hardshrink pass nothing at ±lambd; threshold nothing at the threshold', () => {
    expect(gradientAt('softshrink', [0.5, -0.5, 0.75], { lambd: 0.5 })).toEqual([0, 0, 1]);
    expect(gradientAt('hardshrink', [0.5, -0.5, 0.75], { lambd: 0.5 })).toEqual([0, 0, 1]);
    expect(gradientAt('threshold', [0.1, 0.2], { threshold: 0.1, value: 20 })).toEqual([0, 1]);
  });
  it('softplus is linear above the threshold', () => {
    expect(valuesOf(call('softplus', [f32([3, 2])], { beta: 2, threshold: 5 }))).toEqual([3, 2.0090749263763428]);
    expect(gradientAt('softplus', [3], { beta: 2, threshold: 5 })).toEqual([1]);
  });
  it("gelu: approximate='none' and 'tanh' differ; logsigmoid is stable far out", () => {
    const [exact, tanhForm] = [valuesOf(call('gelu', [f32([1.5])])), valuesOf(call('gelu', [f32([1.5])], { approximate: 'tanh' }))];
    expect(exact[0]).toBe(1.3997892141342163);
    expect(tanhForm[0]).toBe(1.3995715379714966);
    const far = valuesOf(call('logsigmoid', [f32([-100, 30])]));
    expect(far[0]).toBe(-100);
    expect(far[1]).toBeCloseTo(-9.357622912219837e-14, 20);
  });
  it('glu: a * sigmoid(b) and its gradient halves', () => {
    const x = f32([1, -2, 0.5, 3], true);
    const y = call('glu', [x]) as Tensor;
    expect(valuesOf(y)).toEqual([0.622459352016449, -1.9051482677459717]);
    backward(sum(y));
    expect(valuesOf(x.grad)).toEqual([0.622459352016449, 0.9525741338729858, 0.23500370979309082, -0.09035331010818481]);
  });
  it('second derivatives record the double-backward nodes torch names', () => {
    const x = f32([-0.5, 0.25, 1.5], true);
    const [g] = grad([sum(call('gelu', [x]) as Tensor)], [x], { createGraph: true });
    expect(g?.gradFn?.name).toBe('GeluBackwardBackward0');
    const [h] = grad([sum(call('elu', [x]) as Tensor)], [x], { createGraph: true });
    expect(h?.gradFn?.name).toBe('EluBackwardBackward0');
  });
});

describe('softmax, log_softmax, softmin with dtype=: the input converted first (ToCopyBackward0)', () => {
  it.each([
    ['softmax', 'SoftmaxBackward0'],
    ['log_softmax', 'LogSoftmaxBackward0'],
    ['softmin', 'SoftmaxBackward0'],
  ])('%s', (name, node) => {
    const x = f32([0.5, -1.5, 2], true);
    const y = call(name, [x], { dim: 0n, dtype: TorchDType.of('float64') }) as Tensor;
    expect([y.dtype, y.gradFn?.name, y.gradFn?.next[0].node?.name]).toEqual(['float64', node, 'ToCopyBackward0']);
  });
});

describe('activations: misuse gives torch messages', () => {
  it('gelu approximate must be none or tanh, and is keyword-only', () => {
    expect(() => call('gelu', [f32([1])], { approximate: 'foo' })).toThrow('approximate argument must be either none or tanh.');
    expect(() => call('gelu', [f32([1]), 'tanh'])).toThrow('gelu() takes 1 positional argument but 2 were given');
  });
  it('softshrink refuses a negative lambda; leaky_relu a string slope', () => {
    expect(() => call('softshrink', [f32([1])], { lambd: -1 })).toThrow('lambda must be greater or equal to 0, but found to be -1.');
    expect(() => call('leaky_relu', [f32([1]), 'a'])).toThrow("leaky_relu(): argument 'negative_slope' (position 2) must be Number, not str");
  });
  it('inplace=True on a leaf that requires grad', () => {
    expect(() => call('elu', [f32([1], true)], { inplace: true })).toThrow('a leaf Variable that requires grad is being used in an in-place operation.');
  });
  it('prelu checks the weight against the channel dim (dim 1)', () => {
    const m = new Tensor(new Float32Array(6), [2, 3]);
    expect(() => call('prelu', [m, f32([1, 2])])).toThrow('Mismatch of parameter numbers and input channel size. Found parameter numbers = 2 and channel size = 3.');
    expect(() => call('prelu', [f32([1, 2, 3]), f32([1, 2, 3])])).toThrow('Found parameter numbers = 3 and channel size = 1.');
    expect(() => call('prelu', [new Tensor(Float32Array.of(1), []), f32([1, 2])])).toThrow('Not allow zero-dim input tensor.');
    expect(() => call('prelu', [m, new Tensor(new Float32Array(3), [3, 1])])).toThrow('prelu: Expected `weight` to be a scalar or 1D tensor, but got ndim = 2');
  });
  it('glu halves an even dim', () => {
    expect(() => call('glu', [f32([1, 2, 3]), 0n])).toThrow('Halving dimension must be even, but dimension 0 is size 3');
    expect(() => call('glu', [new Tensor(Float32Array.of(1), [])])).toThrow('glu does not support scalars because halving size must be even');
    expect(() => call('glu', [new Tensor(new Float32Array(6), [2, 3]), 5n])).toThrow('Dimension out of range (expected to be in range of [-2, 1], but got 5)');
  });
  it('softmin and softmax check dim', () => {
    expect(() => call('softmin', [f32([1, 2]), 2n])).toThrow('Dimension out of range (expected to be in range of [-1, 0], but got 2)');
  });
});

describe('activations: gradients against finite differences', () => {
  const examples = examplesOf(ops);
  it.each(examples)('first order $label', ({ op, example, label }) => checkFirstOrder(op, example, label));
  it.each(examples)('second order $label', ({ op, example, label }) => checkSecondOrder(op, example, label));
  it.each(examples)('second order, fused, $label', ({ op, example, label }) => withFusion(1, () => checkSecondOrder(op, example, label)));
});
