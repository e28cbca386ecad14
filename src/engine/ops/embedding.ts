import { ProblemError } from '../../errors.js';
import { allocate, legacyTypeName } from '../dtype.js';
import { chargeWork } from '../meter.js';
import { apply, defineOp, type Primitive, type Value } from '../op.js';
import { Tensor } from '../tensor.js';

interface EmbeddingAttrs {
  /** Row indices, in the order of the output's rows. */
  indices: Float64Array;
  /** The shape of the index tensor (the output's leading dims). */
  indexShape: readonly number[];
  /** The weight's rows (the scatter's result has this many). */
  rows: number;
  /** A row whose gradient stays 0 (-1: none). */
  paddingIdx: number;
  /** Divide each row's gradient by how often the indices name it. */
  scaleByFrequency: boolean;
}

/** How much each output row's gradient counts: 0 for the padding row, 1 / frequency when scaled. */
function rowWeights({ indices, paddingIdx, scaleByFrequency, rows }: EmbeddingAttrs): Float64Array {
  const counts = new Float64Array(rows);
  for (const i of indices) counts[i]++;
  return indices.map((i) => (i === paddingIdx ? 0 : scaleByFrequency ? 1 / counts[i] : 1));
}

/** The rows `indices` names, in order: [..., dim]. */
function gatherRows(weight: Tensor, attrs: EmbeddingAttrs, scale: Float64Array | null): Tensor {
  const dim = weight.shape[1];
  const src = weight.data;
  const out = allocate(weight.dtype, attrs.indices.length * dim);
  chargeWork(out.length);
  attrs.indices.forEach((row, k) => {
    for (let j = 0; j < dim; j++) out[k * dim + j] = scale === null ? src[row * dim + j] : src[row * dim + j] * scale[k];
  });
  return new Tensor(out, [...attrs.indexShape, dim]);
}

// out[k] = weight[indices[k]]: each weight row's gradient is the sum of the output rows that read it
// (none for padding_idx; divided by the row's frequency with scale_grad_by_freq)
const Embedding: Primitive<EmbeddingAttrs> = {
  gradFn: 'EmbeddingBackward0',
  saves: 'nothing',
  forward: ([weight], attrs) => gatherRows(weight, attrs, null),
  backward: (g, { attrs }) => [apply(EmbeddingDenseBackward, [g], attrs)],
};

// the scatter-add is linear in g: its gradient gathers the incoming gradient's rows, weighted alike
const EmbeddingDenseBackward: Primitive<EmbeddingAttrs> = {
  gradFn: 'EmbeddingDenseBackwardBackward0',
  saves: 'nothing',
  forward: ([g], attrs) => {
    const dim = g.shape[g.ndim - 1];
    const weights = rowWeights(attrs);
    const sums = new Float64Array(attrs.rows * dim);
    const src = g.data;
    attrs.indices.forEach((row, k) => {
      for (let j = 0; j < dim; j++) sums[row * dim + j] += src[k * dim + j] * weights[k];
    });
    const out = allocate(g.dtype, sums.length);
    out.set(sums);
    return new Tensor(out, [attrs.rows, dim]);
  },
  backward: (gg, { attrs }) => [apply(WeightedGather, [gg], attrs)],
};

// the gather of weighted rows is the scatter's adjoint
const WeightedGather: Primitive<EmbeddingAttrs> = {
  gradFn: 'EmbeddingBackward0',
  saves: 'nothing',
  forward: ([w], attrs) => gatherRows(w, attrs, rowWeights(attrs)),
  backward: (g, { attrs }) => [apply(EmbeddingDenseBackward, [g], attrs)],
};

/** max_norm: rows the indices name whose norm_type-norm exceeds max_norm are scaled down to it, in place (no gradient). */
function renormRows(weight: Tensor, indices: Float64Array, maxNorm: number, normType: number): void {
  const dim = weight.shape[1];
  const values = Array.from(weight.data);
  for (const row of new Set(indices)) {
    let norm = 0;
    for (let j = 0; j < dim; j++) norm += Math.abs(values[row * dim + j]) ** normType;
    norm **= 1 / normType;
    if (norm > maxNorm) {
      const scale = maxNorm / (norm + 1e-7);
      for (let j = 0; j < dim; j++) values[row * dim + j] *= scale;
    }
  }
  weight.write(values);
}

export interface EmbeddingOptions {
  paddingIdx: number | null;
  maxNorm: number | null;
  normType: number;
  scaleGradByFreq: boolean;
}

/** F.embedding(input, weight, ...): the weight rows the int64 indices name (EmbeddingBackward0), torch's checks in order. */
export function embedding(input: Tensor, weight: Tensor, o: EmbeddingOptions): Tensor {
  const rows = weight.shape[0];
  let paddingIdx = -1;
  if (o.paddingIdx !== null) {
    if (o.paddingIdx >= rows || o.paddingIdx < -rows) {
      throw new ProblemError('invalid-argument', 'Padding_idx must be within num_embeddings', { pythonType: 'AssertionError' });
    }
    paddingIdx = o.paddingIdx < 0 ? rows + o.paddingIdx : o.paddingIdx;
  }
  if (input.dtype !== 'int64') {
    const got = input.dtype === 'bool' ? 'CPUBoolType' : legacyTypeName(input.dtype);
    throw new ProblemError(
      'invalid-argument',
      `Expected tensor for argument #1 'indices' to have one of the following scalar types: Long, Int; but got ${got} instead (while checking arguments for embedding)`,
    );
  }
  if (weight.ndim !== 2) throw new ProblemError('shape-error', "'weight' must be 2-D");
  const indices = Float64Array.from(input.data);
  if (indices.some((i) => i < 0 || i >= rows)) throw new ProblemError('invalid-argument', 'index out of range in self', { pythonType: 'IndexError' });
  if (o.maxNorm !== null) renormRows(weight, indices, o.maxNorm, o.normType);
  return apply(Embedding, [weight], { indices, indexShape: input.shape.slice(), rows, paddingIdx, scaleByFrequency: o.scaleGradByFreq });
}

export default defineOp({
  name: 'embedding',
  summary: 'torch.nn.functional.embedding: the rows of weight named by int64 indices (padding_idx, max_norm, scale_grad_by_freq).',
  params: [
    { name: 'input', kind: 'tensor' },
    { name: 'weight', kind: 'tensor' },
    { name: 'padding_idx', kind: 'int?', default: null },
    { name: 'max_norm', kind: 'number?', default: null },
    { name: 'norm_type', kind: 'number', default: 2 },
    { name: 'scale_grad_by_freq', kind: 'bool', default: false },
    { name: 'sparse', kind: 'bool', default: false },
  ],
  gradFns: ['EmbeddingBackward0'],
  method: false,
  function: false,
  modules: ['torch.nn.functional'],
  noGradient: 'its index argument is an int64 tensor, which gradient examples cannot draw; nn.test.ts checks the gradient of its weight against finite differences',
  call: ({ input, weight, padding_idx, max_norm, norm_type, scale_grad_by_freq }): Value =>
    embedding(input as Tensor, weight as Tensor, {
      paddingIdx: padding_idx as number | null,
      maxNorm: max_norm as number | null,
      normType: norm_type as number,
      scaleGradByFreq: scale_grad_by_freq as boolean,
    }),
});
