import { describe, expect, it } from 'vitest';
import { backward } from '../../../src/engine/autograd.js';
import { TorchDType } from '../../../src/engine/dtype.js';
import { bindArguments, type Value } from '../../../src/engine/op.js';
import { modulesOf, OPS, OPS_BY_NAME, opSpelled } from '../../../src/engine/ops/index.js';
import { Tensor } from '../../../src/engine/tensor.js';
import { checkFirstOrder, checkSecondOrder, examplesOf } from '../../support/gradcheck.js';
import { casesOf, checkGoldenCase } from '../../support/op_goldens.js';

const CREATION_OP_NAMES = [
  'tensor', 'zeros', 'ones', 'full', 'zeros_like', 'ones_like', 'full_like', 'eye', 'arange', 'linspace',
  'clone', 'detach', 'to', 'float', 'double', 'long', 'bool', 'type_as',
];
const creationOps = CREATION_OP_NAMES.map((name) => {
  const op = OPS_BY_NAME.get(name);
  if (!op) throw new Error(`no op ${name}`);
  return op;
});

const call = (name: string, args: Value[], kwargs: Record<string, Value> = {}): Tensor => {
  const op = OPS_BY_NAME.get(name);
  if (!op) throw new Error(`no op ${name}`);
  return op.call(bindArguments(op, args, kwargs)) as Tensor;
};
const float64 = TorchDType.of('float64');
const int64 = TorchDType.of('int64');
const valuesOf = (t: Tensor) => Array.from(t.data);
const leaf = (values: number[], requiresGrad = true) => new Tensor(Float32Array.from(values), [values.length], { requiresGrad });

/** Cases that also use an op of another group, by that op: each runs as soon as its op is in the table. */
const NEEDS: Record<string, string> = { 'ops/creation/eye/regularize': 'trace' };

describe('creation ops against torch 1.13 (ops.json)', () => {
  const cases = casesOf('creation');
  it('covers every creation case', () => expect(cases.length).toBe(22));
  it.each(cases.filter((c) => OPS_BY_NAME.has(NEEDS[c.name] ?? 'tensor')).map((c) => ({ name: c.name, c })))('$name', ({ c }) => {
    expect(checkGoldenCase(c)).toEqual([]);
  });
});

describe('creation ops: gradients of the differentiable ones', () => {
  const examples = examplesOf(creationOps);
  it.each(examples)('first order $label', ({ op, example, label }) => checkFirstOrder(op, example, label));
  it.each(examples)('second order $label', ({ op, example, label }) => checkSecondOrder(op, example, label));
});

describe('torch.tensor', () => {
  it('infers bool < int64 < float32 from the Python values, dtype= overriding', () => {
    expect(call('tensor', [[1n, 2n]]).dtype).toBe('int64');
    expect(call('tensor', [[true, 2n]]).dtype).toBe('int64');
    expect(call('tensor', [[true, false]]).dtype).toBe('bool');
    expect(call('tensor', [[1n, 2.5]]).dtype).toBe('float32');
    expect(call('tensor', [[]]).dtype).toBe('float32');
    expect(call('tensor', [[[]]]).shape).toEqual([1, 0]);
    expect(call('tensor', [3n]).shape).toEqual([]);
    expect(valuesOf(call('tensor', [[1.7, -2.7]], { dtype: int64 }))).toEqual([1, -2]);
  });

  it("refuses ragged lists and gradients of integers in torch's words", () => {
    expect(() => call('tensor', [[[1n, 2n], [3n]]])).toThrow('expected sequence of length 2 at dim 1 (got 1)');
    expect(() => call('tensor', ['a'])).toThrow("new(): invalid data type 'str'");
    expect(() => call('tensor', [[1n, 2n]], { requires_grad: true })).toThrow('Only Tensors of floating point and complex dtype can require gradients');
    const t = call('tensor', [[1n, 2n]], { dtype: float64, requires_grad: true });
    expect(t.requiresGrad && t.isLeaf && t.dtype === 'float64').toBe(true);
  });
});

describe('zeros, ones, full, eye, arange, linspace', () => {
  it('take sizes as varargs or one tuple; full takes its dtype from the value', () => {
    expect(call('zeros', [2n, 3n]).shape).toEqual([2, 3]);
    expect(call('ones', [[2n, 3n]]).shape).toEqual([2, 3]);
    expect(call('full', [[2n], 2n]).dtype).toBe('int64');
    expect(call('full', [[2n], true]).dtype).toBe('bool');
    expect(call('full', [[2n], 0.5]).dtype).toBe('float32');
    expect(call('full', [[], 3.0]).shape).toEqual([]);
    expect(() => call('zeros', [-1n])).toThrow('Trying to create tensor with negative dimension -1: [-1]');
  });

  it('eye is n x m with ones on the diagonal', () => {
    expect(valuesOf(call('eye', [2n, 3n]))).toEqual([1, 0, 0, 0, 1, 0]);
    expect(call('eye', [3n], { dtype: int64 }).dtype).toBe('int64');
    expect(() => call('eye', [-1n])).toThrow('n must be greater or equal to 0, got -1');
  });

  it('arange is int64 for int bounds, float32 otherwise', () => {
    const ints = call('arange', [10n, 0n, -3n]);
    expect(ints.dtype).toBe('int64');
    expect(valuesOf(ints)).toEqual([10, 7, 4, 1]);
    expect(valuesOf(call('arange', [1n, 4n, 0.5]))).toEqual([1, 1.5, 2, 2.5, 3, 3.5]);
    expect(call('arange', [5n], { dtype: float64 }).dtype).toBe('float64');
    expect(() => call('arange', [0n, 1n, 0n])).toThrow('step must be nonzero');
    expect(() => call('arange', [0n, -1n])).toThrow('upper bound and larger bound inconsistent with step sign');
    expect(() => call('arange', [4n], { requires_grad: true })).toThrow('Only Tensors of floating point and complex dtype can require gradients');
  });

  it('linspace truncates for an integral dtype', () => {
    expect(valuesOf(call('linspace', [0n, 1n, 4n], { dtype: int64 }))).toEqual([0, 0, 0, 1]);
    expect(() => call('linspace', [0n, 1n, -1n])).toThrow('number of steps must be non-negative');
  });
});

describe('clone, detach, dtype conversions', () => {
  it('detach shares memory and leaves the graph', () => {
    const x = leaf([1, 2]);
    const d = call('detach', [x]);
    expect(d.requiresGrad).toBe(false);
    expect(d.storage).toBe(x.storage);
  });

  it('to returns the tensor itself when nothing changes, ToCopyBackward0 between floats, no graph to int64', () => {
    const x = leaf([1.5, -2.5]);
    expect(call('to', [x, TorchDType.of('float32')])).toBe(x);
    expect(call('float', [x])).toBe(x);
    const d = call('double', [x]);
    expect(d.gradFn?.name).toBe('ToCopyBackward0');
    const l = call('long', [x]);
    expect(l.dtype).toBe('int64');
    expect(l.requiresGrad).toBe(false);
    expect(valuesOf(l)).toEqual([1, -2]);
    backward(call('sum', [d]));
    expect(x.grad?.dtype).toBe('float32');
    expect(call('to', [x, 'cpu', float64]).dtype).toBe('float64');
    expect(call('to', [x], { dtype: float64 }).dtype).toBe('float64');
    expect(call('type_as', [x, new Tensor(new Float64Array(1), [1])]).dtype).toBe('float64');
  });
});

describe('int', () => {
  it('refuses int32, naming .long()', () => {
    expect(() => call('int', [leaf([1.5])])).toThrow('int32 tensors are not supported by this service');
  });
});

describe('the op table', () => {
  it('lists every op once, and each Python spelling (module and name) names one op', () => {
    const names = OPS.map((op) => op.name);
    expect(names.filter((name, i) => names.indexOf(name) !== i)).toEqual([]);
    const spellings = OPS.flatMap((op) => modulesOf(op).map((module) => `${module} ${op.pythonName ?? op.name}`));
    expect(spellings.filter((s, i) => spellings.indexOf(s) !== i)).toEqual([]);
  });

  it('resolves torch.linalg spellings to their own ops', () => {
    expect(opSpelled('torch.linalg', 'norm')?.name).toBe('linalg_norm');
    expect(opSpelled('torch.linalg', 'cross')?.name).toBe('linalg_cross');
    expect(opSpelled('torch', 'cross')?.name).toBe('cross');
    expect(opSpelled('torch.linalg', 'det')?.name).toBe('det');
    expect(opSpelled('torch.nn.functional', 'matmul')).toBeUndefined();
  });
});
