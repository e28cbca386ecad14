import { ProblemError } from '../../errors.js';
import { convertValues, DEFAULT_FLOAT, type DType } from '../dtype.js';
import { defineOp, isTensor, pythonTypeName, type Value } from '../op.js';
import { Tensor } from '../tensor.js';
import { dtypeOr, withRequiresGrad } from './zeros.js';

/** The shape of nested Python lists, checked rectangular with torch's messages. */
function shapeOf(data: Value): number[] {
  const shape: number[] = [];
  let probe: Value = data;
  while (Array.isArray(probe)) {
    shape.push(probe.length);
    if (probe.length === 0) break;
    probe = probe[0];
  }
  // every list at depth d has shape[d] items, and items are lists exactly above the last depth
  let level: Value[] = [data];
  for (let depth = 0; depth <= shape.length; depth++) {
    const next: Value[] = [];
    for (const item of level) {
      if (depth < shape.length) {
        if (!Array.isArray(item)) throw new ProblemError('invalid-argument', 'not a sequence', { pythonType: 'TypeError' });
        if (item.length !== shape[depth]) {
          throw new ProblemError('invalid-argument', `expected sequence of length ${shape[depth]} at dim ${depth} (got ${item.length})`, { pythonType: 'ValueError' });
        }
        next.push(...item);
      } else if (Array.isArray(item)) {
        throw new ProblemError('invalid-argument', `'list' object cannot be interpreted as an integer`, { pythonType: 'TypeError' });
      }
    }
    level = next;
  }
  return shape;
}

/** A leaf value as a number and the dtype category it brings (bool < int64 < float). */
function leafValue(item: Value): { value: number; dtype: DType } {
  if (typeof item === 'boolean') return { value: item ? 1 : 0, dtype: 'bool' };
  if (typeof item === 'bigint') {
    if (item >= 2n ** 63n || item < -(2n ** 63n)) throw new ProblemError('invalid-argument', 'Overflow when unpacking long');
    return { value: Number(item), dtype: 'int64' };
  }
  if (typeof item === 'number') return { value: item, dtype: DEFAULT_FLOAT };
  if (isTensor(item)) {
    if (item.numel !== 1) {
      throw new ProblemError('invalid-argument', 'only one element tensors can be converted to Python scalars', { pythonType: 'ValueError' });
    }
    return { value: item.item(), dtype: item.dtype === 'float64' ? DEFAULT_FLOAT : item.dtype };
  }
  throw new ProblemError('invalid-argument', `new(): invalid data type '${pythonTypeName(item)}'`, { pythonType: 'TypeError' });
}

const RANK: Record<DType, number> = { bool: 0, int64: 1, float32: 2, float64: 3 };

/** torch.tensor(data, dtype=None, requires_grad=False): a new leaf from nested Python numbers (or a tensor's values). */
export function tensorFromData(data: Value, dtype: DType | null = null, requiresGrad = false): Tensor {
  let values: number[];
  let shape: number[];
  let inferred: DType;
  if (isTensor(data)) {
    values = Array.from(data.data);
    shape = data.shape.slice();
    inferred = data.dtype;
  } else {
    shape = shapeOf(data);
    const leaves = Array.isArray(data) ? (data as Value[]).flat(Infinity as 1) : [data];
    inferred = leaves.length === 0 ? DEFAULT_FLOAT : 'bool';
    values = leaves.map((item) => {
      const leaf = leafValue(item as Value);
      if (RANK[leaf.dtype] > RANK[inferred]) inferred = leaf.dtype;
      return leaf.value;
    });
  }
  const t = new Tensor(convertValues(values, dtype ?? inferred), shape);
  return requiresGrad ? withRequiresGrad(t) : t;
}

export default defineOp({
  name: 'tensor',
  summary: 'torch.tensor(data): a new leaf from nested lists of numbers (dtype from the values: bool, int64 or float32; dtype= overrides).',
  params: [
    { name: 'data', kind: 'any' },
    { name: 'dtype', kind: 'dtype?', default: null, keywordOnly: true },
    { name: 'requires_grad', kind: 'bool', default: false, keywordOnly: true },
  ],
  gradFns: [],
  noGradient: 'it creates a leaf from Python numbers',
  method: false,
  function: true,
  modules: ['torch'],
  call: ({ data, dtype, requires_grad }): Value => tensorFromData(data, dtype === null ? null : dtypeOr(dtype, DEFAULT_FLOAT), requires_grad as boolean),
});
