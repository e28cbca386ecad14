import { describe, expect, it } from 'vitest';
import { backward, withGradMode } from '../../src/engine/autograd.js';
import { Int64Array } from '../../src/engine/dtype.js';
import { getItem, type IndexItem, setItem, type SliceIndex } from '../../src/engine/indexing.js';
import { add } from '../../src/engine/ops/add.js';
import { mul } from '../../src/engine/ops/mul.js';
import { pow } from '../../src/engine/ops/pow.js';
import { sum } from '../../src/engine/ops/sum.js';
import { zip } from '../../src/engine/kernels/elementwise.js';
import { formatTensor } from '../../src/engine/repr.js';
import { Tensor } from '../../src/engine/tensor.js';
import { ProblemError } from '../../src/errors.js';
import goldens from './indexing_goldens.json' with { type: 'json' };

const slice = (start: number | null = null, stop: number | null = null, step: number | null = null): SliceIndex => ({
  start: start === null ? null : BigInt(start),
  stop: stop === null ? null : BigInt(stop),
  step: step === null ? null : BigInt(step),
});
const all = slice();
const arange = (n: number, shape: number[], requiresGrad = false) => new Tensor(Float32Array.from({ length: n }, (_, k) => k), shape, { requiresGrad });
const longs = (...values: number[]) => new Tensor(Int64Array.from(values), [values.length]);
const greaterThan = (x: Tensor, v: number) => zip(x, new Tensor(Float32Array.of(v), []), 'bool', (a, b) => (a > b ? 1 : 0));

/** The index of each golden case, in the order of indexing_goldens.json (x = arange(24).view(2, 3, 4)). */
const INDEXES: ((x: Tensor) => IndexItem[] | 'x[0][1]')[] = [
  () => [0n],
  () => [-1n],
  () => [1n, 2n],
  () => [slice(1)],
  () => [slice(null, null, 2)],
  () => [all, 0n],
  () => ['ellipsis', 1n],
  () => [null],
  () => ['ellipsis', null],
  () => [0n, all, 1n],
  () => [[1n, 0n]],
  () => [longs(1, 0, 1)],
  (x) => [greaterThan(x, 10)],
  () => [[0n, 1n], all, [0n, 1n]],
  () => [all, [0n, 1n], [0n, 1n]],
  () => [0n, all, [1n, 2n]],
  () => [[[0n], [1n]], [0n, 1n]],
  () => [null, [0n, 1n]],
  () => ['ellipsis'],
  () => [slice(5)],
  () => [1n, slice(-2), slice(null, null, 3)],
  (x) => [all, greaterThan(getItem(x.detach(), [0n]), 5)],
  () => [[1n, 1n, 0n]],
  () => [0n, [true, false, true]],
  () => 'x[0][1]',
  () => [-1n, -1n, -1n],
  () => [slice(1, 1)],
  () => [all, slice(1, 3), null, slice(null, null, 2)],
];

/** The backward nodes from r's grad_fn along first edges, down to the leaf. */
function chain(r: Tensor): string[] {
  const names: string[] = [];
  let node = r.gradFn;
  while (node !== null && node.name !== 'AccumulateGrad') {
    names.push(node.name);
    node = node.next[0].node;
  }
  return names;
}

function problemOf(fn: () => unknown): ProblemError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ProblemError) return error;
    throw error;
  }
  throw new Error('did not throw');
}

describe('x[index] against torch 1.13', () => {
  it('has an index for every golden case', () => expect(INDEXES.length).toBe(goldens.cases.length));

  it.each(goldens.cases.map((golden, i) => ({ ...golden, i })))('x$label', ({ i, shape, data, chain: nodes, grad }) => {
    const x = arange(24, [2, 3, 4], true);
    const index = INDEXES[i](x);
    const r = index === 'x[0][1]' ? getItem(getItem(x, [0n]), [1n]) : getItem(x, index);
    expect(r.shape).toEqual(shape);
    expect(Array.from(r.data)).toEqual(data);
    expect(chain(r)).toEqual(nodes);
    const weights = new Tensor(Float32Array.from({ length: r.numel }, (_, k) => k + 1), r.shape.slice());
    backward(sum(mul(r, weights)));
    expect(Array.from((x.grad as Tensor).data)).toEqual(grad);
  });

  it('basic indexing gives views of the same storage', () => {
    const x = arange(6, [2, 3]);
    const column = getItem(x, [all, 1n]);
    expect(column.storage).toBe(x.storage);
    withGradMode(false, () => x.write([9, 9, 9, 9, 9, 9]));
    expect(Array.from(column.data)).toEqual([9, 9]);
    expect(getItem(x, [[0n]]).storage).not.toBe(x.storage);
  });

  it("raises torch's errors", () => {
    const x = arange(3, [3]);
    const cases: [IndexItem[], string, string][] = [
      [[5n], 'IndexError', 'index 5 is out of bounds for dimension 0 with size 3'],
      [[[0n, 5n]], 'IndexError', 'index 5 is out of bounds for dimension 0 with size 3'],
      [[0n, 0n], 'IndexError', 'too many indices for tensor of dimension 1'],
      [[slice(null, null, -1)], 'ValueError', 'step must be greater than zero'],
      [[new Tensor(Uint8Array.of(1, 0), [2])], 'IndexError', 'The shape of the mask [2] at index 0 does not match the shape of the indexed tensor [3] at index 0'],
      [[1.0], 'IndexError', 'only integers, slices (`:`), ellipsis (`...`), None and long or byte Variables are valid indices (got float)'],
    ];
    for (const [index, type, message] of cases) {
      const problem = problemOf(() => getItem(x, index));
      expect([problem.extras.pythonType, problem.message]).toEqual([type, message]);
    }
    expect(problemOf(() => getItem(arange(2, [1, 2]), [0n, 7n])).message).toBe('index 7 is out of bounds for dimension 1 with size 2');
    expect(problemOf(() => getItem(new Tensor(Float32Array.of(1), []), [0n])).message).toBe(
      'invalid index of a 0-dim tensor. Use `tensor.item()` in Python or `tensor.item<T>()` in C++ to convert a 0-dim tensor to a number',
    );
  });

  it('prints integer results as torch does', () => {
    const a = new Tensor(Int64Array.of(0, 1, 2, 3, 4), [5]);
    const shown = [getItem(a, [0n]), getItem(a, [-1n]), getItem(a, [slice(1, 3)]), getItem(a, [slice(null, 2)]), getItem(a, [slice(null, null, 2)])];
    expect(shown.map((t) => formatTensor(t, {}))).toEqual(['tensor(0)', 'tensor(4)', 'tensor([1, 2])', 'tensor([0, 1])', 'tensor([0, 2, 4])']);
  });
});

describe('x[index] = value', () => {
  it('writes ints, slices and columns in place (the course lab)', () => {
    const a = new Tensor(Int64Array.of(0, 1, 2, 3, 4), [5]);
    setItem(a, [3n], 100n);
    expect(formatTensor(a, {})).toBe('tensor([  0,   1,   2, 100,   4])');
    expect(a.version).toBe(1);
    const m = new Tensor(new Float32Array(6), [2, 3]);
    setItem(m, [0n, [0n, 2n]], 1.0);
    setItem(m, [all, 1n], new Tensor(Float32Array.of(5, 6), [2]));
    expect(Array.from(m.data)).toEqual([1, 5, 1, 0, 6, 0]);
    expect(m.version).toBe(2);
    // a float into an int tensor truncates, as copy_ does
    setItem(a, [0n], 2.7);
    expect(a.data[0]).toBe(2);
  });

  it('masks and value broadcasting', () => {
    const x = arange(6, [2, 3]);
    setItem(x, [greaterThan(x, 3)], 0.0);
    expect(Array.from(x.data)).toEqual([0, 1, 2, 3, 0, 0]);
    setItem(x, [slice(0, 1)], new Tensor(Float32Array.of(7, 8, 9), [1, 1, 3]));
    expect(Array.from(x.data)).toEqual([7, 8, 9, 3, 0, 0]);
  });

  it("raises torch's errors", () => {
    const leaf = arange(3, [3], true);
    expect(() => setItem(leaf, [0n], 1.0)).toThrow('a view of a leaf Variable that requires grad is being used in an in-place operation.');
    expect(() => setItem(leaf, [[0n]], 1.0)).toThrow('a leaf Variable that requires grad is being used in an in-place operation.');
    withGradMode(false, () => setItem(leaf, [0n], 5.0));
    expect(leaf.data[0]).toBe(5);
    const x = arange(3, [3]);
    expect(() => setItem(x, [0n], new Tensor(Float32Array.of(1, 2), [2]))).toThrow(
      'expand(torch.FloatTensor{[2]}, size=[]): the number of sizes provided (0) must be greater or equal to the number of dimensions in the tensor (1)',
    );
    expect(() => setItem(x, [slice(null, 2)], arange(3, [3]))).toThrow(
      'The expanded size of the tensor (2) must match the existing size (3) at non-singleton dimension 0.  Target sizes: [2].  Tensor sizes: [3]',
    );
    expect(() => setItem(x, [5n], 1.0)).toThrow('index 5 is out of bounds for dimension 0 with size 3');
  });

  it('records CopySlices over the old history and the value (torch: y[0] = x[1] * 2)', () => {
    const x = arange(3, [3], true);
    const y = mul(x, 1);
    setItem(y, [0n], mul(getItem(x, [1n]), 2));
    expect(y.gradFn?.name).toBe('CopySlices');
    expect(y.gradFn?.next.map((e) => e.node?.name)).toEqual(['MulBackward0', 'MulBackward0']);
    backward(sum(mul(y, new Tensor(Float32Array.of(1, 2, 3), [3]))));
    // y = [2 x1, x1, x2]: dy·w / dx = [0, 2 + 2, 3]
    expect(Array.from((x.grad as Tensor).data)).toEqual([0, 4, 3]);
  });

  it('a tensor that did not require grad gets a history from the value (z[0] = x[0] ** 2)', () => {
    const x = arange(3, [3], true);
    withGradMode(false, () => x.write([1, 2, 3]));
    const z = new Tensor(new Float32Array(3), [3]);
    setItem(z, [0n], pow(getItem(x, [0n]), 2));
    expect([z.gradFn?.name, z.isLeaf, z.gradFn?.next[0].node]).toEqual(['CopySlices', false, null]);
    backward(sum(z));
    expect(Array.from((x.grad as Tensor).data)).toEqual([2, 0, 0]);
  });

  it('advanced assignment without a view is IndexPutBackward0; a number value has no edge', () => {
    const x = arange(3, [3], true);
    const y = mul(x, 1);
    setItem(y, [[0n, 1n]], 5.0);
    expect(y.gradFn?.name).toBe('IndexPutBackward0');
    expect(y.gradFn?.next.map((e) => e.node?.name ?? null)).toEqual(['MulBackward0', null]);
    backward(sum(add(y, 0)));
    expect(Array.from((x.grad as Tensor).data)).toEqual([0, 0, 1]);
  });

  it('a broadcast value gets the summed gradient', () => {
    const v = new Tensor(Float32Array.of(2), [1], { requiresGrad: true });
    const z = new Tensor(new Float32Array(4), [4]);
    setItem(z, [slice(1)], v);
    backward(sum(z));
    expect(Array.from((v.grad as Tensor).data)).toEqual([3]);
  });
});
