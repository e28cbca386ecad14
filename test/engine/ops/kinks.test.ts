import { describe, expect, it } from 'vitest';
import { backward, type Node } from '../../../src/engine/autograd.js';
import { bindArguments, type OpDef, type Value } from '../../../src/engine/op.js';
import { Tensor } from '../../../src/engine/tensor.js';
import { abs } from '../../../src/engine/ops/abs.js';
import clampOp, { clamp } from '../../../src/engine/ops/clamp.js';
import { cos } from '../../../src/engine/ops/cos.js';
import divOp, { div } from '../../../src/engine/ops/div.js';
import { log } from '../../../src/engine/ops/log.js';
import negOp, { neg } from '../../../src/engine/ops/neg.js';
import powOp, { pow } from '../../../src/engine/ops/pow.js';
import { reciprocal } from '../../../src/engine/ops/reciprocal.js';
import { relu } from '../../../src/engine/ops/relu.js';
import { sigmoid } from '../../../src/engine/ops/sigmoid.js';
import { sin } from '../../../src/engine/ops/sin.js';
import { sqrt } from '../../../src/engine/ops/sqrt.js';
import subOp, { sub } from '../../../src/engine/ops/sub.js';
import { sum } from '../../../src/engine/ops/sum.js';
import { tan } from '../../../src/engine/ops/tan.js';
import { tanh } from '../../../src/engine/ops/tanh.js';
import { seededRandom } from '../../support/finite_differences.js';

/** A float32 leaf that requires grad; a plain number makes a 0-dim tensor. */
function leaf(values: number | number[]): Tensor {
  const data = Float32Array.from(typeof values === 'number' ? [values] : values);
  return new Tensor(data, typeof values === 'number' ? [] : [values.length], { requiresGrad: true });
}

/** x.grad after `f(x).sum().backward()`. */
function gradOf(x: Tensor, f: (x: Tensor) => Tensor): number[] {
  backward(sum(f(x)));
  return Array.from((x.grad as Tensor).data);
}

function callOp(op: OpDef, ...args: Value[]): Value {
  return op.call(bindArguments(op, args, {}));
}

function nodeOf(t: Tensor): Node {
  if (!t.gradFn) throw new Error('tensor has no grad_fn');
  return t.gradFn;
}

/** The names of a node's next_functions (null for a None edge). */
function nextNames(node: Node): (string | null)[] {
  return node.next.map((edge) => edge.node?.name ?? null);
}

describe('gradients at kinks follow PyTorch', () => {
  it("relu'(0) = 0", () => {
    expect(gradOf(leaf([-1, 0, 2]), relu)).toEqual([0, 0, 1]);
  });

  it("abs'(0) = 0", () => {
    expect(gradOf(leaf([-1, 0, 2]), abs)).toEqual([-1, 0, 1]);
  });

  it("sqrt'(0) and log'(0) are +inf", () => {
    expect(gradOf(leaf([0, 4]), sqrt)).toEqual([Infinity, 0.25]);
    expect(gradOf(leaf([0, 2]), log)).toEqual([Infinity, 0.5]);
  });

  it('x ** p at x = 0 gives p * 0 ** (p - 1): 0 for p = 2 and 1.5', () => {
    expect(gradOf(leaf([0, 3]), (x) => pow(x, 2))).toEqual([0, 6]);
    expect(gradOf(leaf([0, 4]), (x) => pow(x, 1.5))).toEqual([0, 3]);
  });

  it('exponent 0 gives ones forward and zeros backward, even at 0', () => {
    const x = leaf([0, -2, 3]);
    const y = pow(x, 0);
    expect(Array.from(y.data)).toEqual([1, 1, 1]);
    backward(sum(y));
    expect(Array.from((x.grad as Tensor).data)).toEqual([0, 0, 0]);
  });

  it('tensor ** tensor zeroes the gradients PyTorch masks at a zero base', () => {
    const x = leaf([0, 0, 2]);
    const e = leaf([0, 2, 0]);
    backward(sum(pow(x, e)));
    // d/dx is 0 where e == 0; d/de is 0 where x == 0 and e >= 0
    expect(Array.from((x.grad as Tensor).data)).toEqual([0, 0, 0]);
    expect(Array.from((e.grad as Tensor).data)).toEqual([0, 0, Math.fround(Math.log(2))]);
  });

  it('0 ** x gives 0 where x >= 0 and -inf where x < 0', () => {
    expect(gradOf(leaf([0, 1, -1]), (x) => pow(0, x))).toEqual([0, 0, -Infinity]);
  });

  it('clamp passes the gradient at a bound (the bound counts as inside)', () => {
    expect(gradOf(leaf([-1, 1, 0.5, 2, -3]), (x) => clamp(x, -1, 1))).toEqual([1, 1, 1, 0, 0]);
    expect(gradOf(leaf([-0.5, -1, 0]), (x) => clamp(x, -0.5))).toEqual([1, 0, 1]);
    expect(gradOf(leaf([0.5, 1, 0]), (x) => clamp(x, null, 0.5))).toEqual([1, 0, 1]);
  });
});

describe('grad_fn names and edges follow PyTorch', () => {
  it('`1 - x` is RsubBackward1 with the tensor as its only edge', () => {
    const x = leaf([1, 2]);
    const node = nodeOf(sub(1, x));
    expect(node.name).toBe('RsubBackward1');
    expect(node.next).toHaveLength(1);
    expect(node.next[0].node?.variable).toBe(x);
  });

  it('`x - 1` is SubBackward0 with a None edge for the number', () => {
    const node = nodeOf(sub(leaf([1, 2]), 1));
    expect(node.name).toBe('SubBackward0');
    expect(nextNames(node)).toEqual(['AccumulateGrad', null]);
  });

  it('`x / 2` is DivBackward0; `2 / x` is MulBackward0 over ReciprocalBackward0', () => {
    expect(nextNames(nodeOf(div(leaf([1, 2]), 2)))).toEqual(['AccumulateGrad', null]);
    expect(nodeOf(div(leaf([1, 2]), 2)).name).toBe('DivBackward0');
    const node = nodeOf(div(2, leaf([1, 2])));
    expect(node.name).toBe('MulBackward0');
    expect(nextNames(node)).toEqual(['ReciprocalBackward0', null]);
  });

  it('pow names its overload: PowBackward0, PowBackward1, PowBackward2', () => {
    const x = leaf([1, 2]);
    const e = leaf([3, 4]);
    expect([nodeOf(pow(x, 2)).name, nodeOf(pow(x, 2)).next.length]).toEqual(['PowBackward0', 1]);
    expect([nodeOf(pow(x, e)).name, nodeOf(pow(x, e)).next.length]).toEqual(['PowBackward1', 2]);
    expect([nodeOf(pow(2, x)).name, nodeOf(pow(2, x)).next.length]).toEqual(['PowBackward2', 1]);
  });

  it.each([
    ['NegBackward0', neg],
    ['ReciprocalBackward0', reciprocal],
    ['LogBackward0', log],
    ['SinBackward0', sin],
    ['CosBackward0', cos],
    ['TanBackward0', tan],
    ['TanhBackward0', tanh],
    ['SigmoidBackward0', sigmoid],
    ['ReluBackward0', relu],
    ['AbsBackward0', abs],
    ['SqrtBackward0', sqrt],
    ['ClampBackward1', (x: Tensor) => clamp(x, -1, 1)],
  ] as const)('%s has one edge, to its input', (name, f) => {
    const x = leaf([0.5, 1.5]);
    const node = nodeOf(f(x));
    expect([node.name, node.next.length, node.next[0].node?.variable]).toEqual([name, 1, x]);
  });
});

describe('float32 arithmetic follows PyTorch kernels', () => {
  const random = seededRandom(20240601);
  const values = Array.from({ length: 2000 }, () => Math.fround(0.1 + 4 * random()));
  const x = new Tensor(Float32Array.from(values), [values.length]);
  const f = Math.fround;

  it('x ** 3 is (x * x) * x with two float32 roundings, which single rounding does not match', () => {
    const cubes = Array.from(pow(x, 3).data);
    expect(cubes).toEqual(values.map((v) => f(f(v * v) * v)));
    expect(values.some((v, i) => f(v * v * v) !== cubes[i])).toBe(true);
  });

  it('exponents 2, 0.5, -0.5, -1 and -2 become x * x, sqrt, 1 / sqrt, 1 / x and 1 / (x * x)', () => {
    expect(Array.from(pow(x, 2).data)).toEqual(values.map((v) => f(v * v)));
    expect(Array.from(pow(x, 0.5).data)).toEqual(values.map((v) => f(Math.sqrt(v))));
    expect(Array.from(pow(x, -0.5).data)).toEqual(values.map((v) => f(1 / f(Math.sqrt(v)))));
    expect(Array.from(pow(x, -1).data)).toEqual(values.map((v) => f(1 / v)));
    expect(Array.from(pow(x, -2).data)).toEqual(values.map((v) => f(1 / f(v * v))));
    expect(Array.from(pow(x, 1).data)).toEqual(values);
  });

  it('sigmoid is 1 / (1 + exp(-x)), rounding every step', () => {
    expect(Array.from(sigmoid(x).data)).toEqual(values.map((v) => f(1 / f(1 + f(Math.exp(-v))))));
  });

  it('a Python number is rounded to float32 before it is used', () => {
    expect(Array.from(sub(0.1, x).data)).toEqual(values.map((v) => f(f(0.1) - v)));
    expect(Array.from(pow(0.1, x).data)).toEqual(values.map((v) => f(Math.pow(f(0.1), v))));
  });

  it('float64 and 0-dim tensors keep their dtype and shape', () => {
    const x64 = new Tensor(Float64Array.of(0.1, 0.7), [2]);
    expect(pow(x64, 3).dtype).toBe('float64');
    expect(Array.from(pow(x64, 3).data)).toEqual([0.1 * 0.1 * 0.1, 0.7 * 0.7 * 0.7]);
    const scalar = relu(leaf(-2));
    expect([scalar.shape, scalar.item()]).toEqual([[], 0]);
  });
});

describe('Python numbers stay Python numbers', () => {
  it('number op number gives a number', () => {
    expect(callOp(subOp, 3, 5)).toBe(-2);
    expect(callOp(powOp, 2, 3)).toBe(8);
    expect(callOp(powOp, 1, Number.NaN)).toBe(1);
    expect(callOp(negOp, 1)).toBe(-1);
    expect(callOp(divOp, 3, 4)).toBe(0.75);
  });

  it('dividing a number by zero raises as Python does', () => {
    expect(() => callOp(divOp, 1, 0)).toThrow('division by zero');
    expect(() => callOp(divOp, 1.5, 0)).toThrow('float division by zero');
  });

  it('clamp without bounds is refused with PyTorch wording', () => {
    expect(() => callOp(clampOp, leaf([1]))).toThrow("torch.clamp: At least one of 'min' or 'max' must not be None");
  });
});
