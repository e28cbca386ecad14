// The ops of the tensor model's groups against torch 1.13's answers in ops.json
// (values, gradients, grad_fn names, reprs, traces), their finite-difference
// gradients to second order, fused and unfused, and the catalog's measured names.
import { describe, expect, it } from 'vitest';
import { Int64Array } from '../../../src/engine/dtype.js';
import { bindArguments, NamedTuple, type Value } from '../../../src/engine/op.js';
import { OPS_BY_NAME } from '../../../src/engine/ops/index.js';
import { reversedDims } from '../../../src/engine/ops/permute.js';
import { matrixTranspose } from '../../../src/engine/ops/transpose.js';
import { formatTensor } from '../../../src/engine/repr.js';
import { Tensor } from '../../../src/engine/tensor.js';
import { ProblemError } from '../../../src/errors.js';
import { casesOf, checkGoldenCase } from '../../support/op_goldens.js';

const COMPARISONS = ['gt', 'ge', 'lt', 'le', 'eq', 'ne', 'where'];
const REDUCTIONS = ['max-dim', 'min-dim', 'argmax', 'argmin', 'all', 'any', 'count_nonzero', 'median', 'sort', 'topk'];
const SHAPE = [
  'flatten', 'unflatten', 'permute', 'movedim', 'repeat', 'tile', 'cat', 'stack', 'split', 'chunk', 'unbind', 'narrow', 'flip', 'roll',
  'tril', 'triu', 'diag', 'diagonal', 'trace', 'gather', 'index_select', 'masked_fill', 'masked_select', 'take_along_dim', 'argsort',
  'scatter', 'repeat_interleave', 'expand_as', 'view_as', 'hstack', 'vstack', 'T-mT',
];

describe('against torch 1.13 (ops.json)', () => {
  const cases = [...casesOf('binary', COMPARISONS), ...casesOf('reduction', REDUCTIONS), ...casesOf('shape', SHAPE), ...casesOf('indexing')];
  it('covers the groups', () => expect(cases.length).toBe(14 + 20 + 64 + 12));
  it.each(cases.map((c) => ({ name: c.name, c })))('$name', ({ c }) => {
    expect(checkGoldenCase(c)).toEqual([]);
  });
});

// First and second derivatives of these ops' examples: test/engine/gradients.test.ts (and gradients_fused.test.ts).

const call = (name: string, args: Value[], kwargs: Record<string, Value> = {}): Value => {
  const op = OPS_BY_NAME.get(name)!;
  return op.call(bindArguments(op, args, kwargs));
};
const f32 = (values: number[], shape = [values.length]) => new Tensor(Float32Array.from(values), shape);
const longs = (...values: number[]) => new Tensor(Int64Array.from(values), [values.length]);
const repr = (v: Value) => formatTensor(v as Tensor, {});

function problemOf(fn: () => unknown): ProblemError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ProblemError) return error;
    throw error;
  }
  throw new Error('did not throw');
}

describe('values, tuples and messages as torch 1.13 gives them', () => {
  it('named tuples of values and int64 indices; NaN sorts last and is the max', () => {
    const sorted = call('sort', [f32([3, 1, 2, 1])]) as NamedTuple;
    expect([sorted.typeName, repr(sorted.values[0]), repr(sorted.values[1])]).toEqual(['torch.return_types.sort', 'tensor([1., 1., 2., 3.])', 'tensor([1, 3, 2, 0])']);
    const descending = call('sort', [f32([3, 1, NaN, 1])], { descending: true }) as NamedTuple;
    expect([repr(descending.values[0]), repr(descending.values[1])]).toEqual(['tensor([nan, 3., 1., 1.])', 'tensor([2, 0, 1, 3])']);
    const max = call('max', [f32([1, NaN, 3]), 0n]) as NamedTuple;
    expect([max.typeName, repr(max.get('values') as Tensor), repr(max.get('indices') as Tensor)]).toEqual(['torch.return_types.max', 'tensor(nan)', 'tensor(1)']);
    const median = call('median', [f32([2, 1, 2, 1]), 0n]) as NamedTuple;
    expect([repr(median.values[0]), repr(median.values[1])]).toEqual(['tensor(1.)', 'tensor(3)']);
    expect(repr(call('median', [f32([1, 2, 3, 4])]))).toBe('tensor(2.)');
    expect(repr(call('argmax', [f32([1, 5, 5, 2], [2, 2])]))).toBe('tensor(1)');
    expect(repr(call('argmax', [f32([1, 1, 1, 1, 1, 1], [2, 3])], { keepdim: true }))).toBe('tensor([[0]])');
    expect(repr(call('max', [f32([1, 5]), f32([3, 2])]))).toBe('tensor([3., 5.])');
  });

  it('bool and int64 results', () => {
    expect(repr(call('lt', [longs(1, 2), 1.5]))).toBe('tensor([ True, False])');
    expect(call('gt', [2n, 1n])).toBe(true);
    expect(repr(call('all', [f32([1, 0])]))).toBe('tensor(False)');
    expect(repr(call('any', [f32([1, 0]), 0n]))).toBe('tensor(True)');
    expect(repr(call('count_nonzero', [f32([1, 1, 1, 1, 1, 1], [2, 3]), [0n, 1n]]))).toBe('tensor(6)');
    expect(repr(call('repeat_interleave', [longs(2, 1)]))).toBe('tensor([0, 0, 1])');
    expect(repr(call('repeat_interleave', [longs(1, 2, 3), longs(1, 0, 2)]))).toBe('tensor([1, 3, 3])');
  });

  it('x.T is a permute for every rank, x.mT a transpose of the last two dims', () => {
    const v = new Tensor(Float32Array.of(1, 2, 3), [3], { requiresGrad: true });
    expect(reversedDims(v).gradFn?.name).toBe('PermuteBackward0');
    const t = new Tensor(new Float32Array(8), [2, 2, 2], { requiresGrad: true });
    expect([matrixTranspose(t).gradFn?.name, reversedDims(t).shape]).toEqual(['TransposeBackward0', [2, 2, 2]]);
    expect(() => matrixTranspose(v)).toThrow('tensor.mT is only supported on matrices or batches of matrices. Got 1-D tensor.');
  });

  it('splits into torch-sized pieces sharing one node', () => {
    const pieces = call('chunk', [f32([1, 1, 1, 1, 1]), 3n]) as Tensor[];
    expect(pieces.map((p) => p.shape[0])).toEqual([2, 2, 1]);
    const x = new Tensor(Float32Array.of(0, 1, 2, 3, 4, 5), [6], { requiresGrad: true });
    const [a, b] = call('split', [x, 4n]) as Tensor[];
    expect([a.shape, b.shape, a.gradFn === b.gradFn, a.outputNr, b.outputNr]).toEqual([[4], [2], true, 0, 1]);
    expect(a.storage).toBe(x.storage);
  });

  it("raises torch's messages", () => {
    const m = new Tensor(new Float32Array(6), [2, 3]);
    const cases: [() => unknown, string][] = [
      [() => call('permute', [m, 0n]), 'permute(sparse_coo): number of dimensions in the tensor input does not match the length of the desired ordering of dimensions i.e. input.dim() = 2 is not equal to len(dims) = 1'],
      [() => call('permute', [m, 0n, 0n]), 'permute(): duplicate dims are not allowed.'],
      [() => call('narrow', [f32([0, 1, 2, 3, 4, 5]), 0n, 4n, 3n]), 'start (4) + length (3) exceeds dimension size (6).'],
      [() => call('select', [m, 1n, 5n]), 'select(): index 5 out of range for tensor of size [2, 3] at dimension 1'],
      [() => call('cat', [[m, new Tensor(new Float32Array(9), [3, 3])], 1n]), 'Sizes of tensors must match except in dimension 1. Expected size 2 but got size 3 for tensor number 1 in the list.'],
      [() => call('cat', [[]]), 'torch.cat(): expected a non-empty list of Tensors'],
      [() => call('cat', [[m, f32([1, 1])]]), 'Tensors must have same number of dimensions: got 2 and 1'],
      [() => call('stack', [[m, new Tensor(new Float32Array(6), [3, 2])]]), 'stack expects each tensor to be equal size, but got [2, 3] at entry 0 and [3, 2] at entry 1'],
      [() => call('gather', [m, 1n, new Tensor(Int64Array.of(5), [1, 1])]), 'index 5 is out of bounds for dimension 1 with size 3'],
      [() => call('gather', [m, 1n, f32([0], [1, 1])]), 'gather(): Expected dtype int64 for index'],
      [() => call('index_select', [m, 0n, longs(2)]), 'index out of range in self'],
      [() => call('split', [f32([0, 1, 2, 3, 4, 5]), [2n, 5n]]), "split_with_sizes expects split_sizes to sum exactly to 6 (input tensor's size at dimension 0), but got split_sizes=[2, 5]"],
      [() => call('unflatten', [f32([0, 1, 2, 3, 4, 5]), 0n, [4n, 2n]]), "unflatten: Provided sizes [4, 2] don't multiply up to the size of dim 0 (6) in the input tensor"],
      [() => call('flatten', [m, 1n, 0n]), 'flatten() has invalid args: start_dim cannot come after end_dim'],
      [() => call('repeat', [m, 2n]), 'Number of dimensions of repeat dims can not be smaller than number of dimensions of tensor'],
      [() => call('topk', [f32([0, 1, 2]), 7n]), 'selected index k out of range'],
      [() => call('diag', [new Tensor(new Float32Array(8), [2, 2, 2])]), 'matrix or a vector expected'],
      [() => call('trace', [f32([1, 2])]), 'trace: expected a matrix, but got tensor with dim 1'],
      [() => call('movedim', [m, [0n, 1n], [1n]]), 'movedim: Invalid source or destination dims: source ([0, 1] dims) should contain the same number of dims as destination ([1] dims)'],
      [() => call('where', [f32([1, 0]), f32([1, 2]), f32([1, 2])]), 'where expected condition to be a boolean tensor, but got a tensor with dtype Float'],
    ];
    for (const [run, message] of cases) expect(problemOf(run).message).toBe(message);
    expect(problemOf(() => call('select', [m, 1n, 5n])).extras.pythonType).toBe('IndexError');
  });
});
