import { endianness } from 'node:os';
import { type Base64Tensor, base64Length, DTYPE_BYTES, TENSOR_FIELDS, type TensorEntry, type TensorField } from '../../schemas/tensor.js';
import { allocate, type DType } from '../engine/dtype.js';
import { formatTensor } from '../engine/repr.js';
import { numelOf, Tensor } from '../engine/tensor.js';
import { ProblemError } from '../errors.js';
import { toNested } from './wire.js';

/** The binary transport is little-endian; typed arrays use the machine's order. */
const LITTLE_ENDIAN = endianness() === 'LE';

/** A tensor's values as a Base64Tensor (little-endian binary of its dtype). */
export function encodeBase64(t: Tensor): Base64Tensor {
  const { data } = t;
  let bytes = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  if (!LITTLE_ENDIAN) {
    bytes = Buffer.from(bytes);
    if (data instanceof Float32Array) bytes.swap32();
    else bytes.swap64();
  }
  // The wire's dtypes are float32 and float64 (int64 and bool answers need the schema to grow).
  return { dtype: t.dtype as Base64Tensor['dtype'], shape: [...t.shape], base64: bytes.toString('base64') };
}

/**
 * A tensor from base64 binary. The schema has already checked the shape against
 * the limits and the text's length against the shape, so nothing here allocates
 * more than the request is allowed; the length is checked again in case a caller skipped the schema.
 */
export function decodeBase64(base64: string, shape: readonly number[], dtype: DType): Tensor {
  const elements = numelOf(shape);
  const byteLength = elements * DTYPE_BYTES[dtype as Base64Tensor['dtype']];
  if (base64.length !== base64Length(byteLength)) {
    throw new ProblemError('invalid-request', `shape [${shape.join(', ')}] of ${dtype} takes ${base64Length(byteLength)} base64 characters, got ${base64.length}`);
  }
  const bytes = Buffer.from(base64, 'base64');
  if (bytes.length !== byteLength) throw new ProblemError('invalid-request', 'the base64 text does not decode to the bytes its shape needs');
  if (!LITTLE_ENDIAN) {
    if (dtype === 'float32') bytes.swap32();
    else bytes.swap64();
  }
  const storage = allocate(dtype, elements);
  // Copy through bytes: the decoded Buffer may sit at an offset no typed array of the dtype can view.
  new Uint8Array(storage.buffer).set(bytes);
  return new Tensor(storage, shape.slice());
}

export type Encoding = 'json' | 'base64';

export interface DescribeOptions {
  /** The entry's fields, in TENSOR_FIELDS order (default: all). */
  fields?: readonly TensorField[];
  encoding?: Encoding;
}

/** The tensors whose values describeEntry reads for `t`: t itself for data or repr, its gradient for grad. */
export function valuesDescribed(t: Tensor, options: DescribeOptions = {}): Tensor[] {
  const wanted = (field: TensorField) => options.fields === undefined || options.fields.includes(field);
  const read: Tensor[] = [];
  if (wanted('data') || wanted('repr')) read.push(t);
  if (t.grad && wanted('grad')) read.push(t.grad);
  return read;
}

/** One tensor of an answer, with only the fields asked for: a field not asked for is never computed. */
export function describeEntry(t: Tensor, options: DescribeOptions = {}): TensorEntry {
  const values = options.encoding === 'base64' ? encodeBase64 : toNested;
  const gradFn = t.gradFn?.name ?? null;
  if (options.fields === undefined) {
    // Every field, in TENSOR_FIELDS order, as one literal.
    return {
      data: values(t),
      shape: t.shape.slice(),
      dtype: t.dtype as Base64Tensor['dtype'],
      requires_grad: t.requiresGrad,
      is_leaf: t.isLeaf,
      grad_fn: gradFn,
      grad: t.grad ? values(t.grad) : null,
      repr: formatTensor(t, { gradFn, requiresGrad: t.requiresGrad }),
    };
  }
  const wanted = new Set(options.fields);
  const entry: TensorEntry = {};
  for (const field of TENSOR_FIELDS) {
    if (wanted && !wanted.has(field)) continue;
    switch (field) {
      case 'data': entry.data = values(t); break;
      case 'shape': entry.shape = [...t.shape]; break;
      case 'dtype': entry.dtype = t.dtype as Base64Tensor['dtype']; break;
      case 'requires_grad': entry.requires_grad = t.requiresGrad; break;
      case 'is_leaf': entry.is_leaf = t.isLeaf; break;
      case 'grad_fn': entry.grad_fn = gradFn; break;
      case 'grad': entry.grad = t.grad ? values(t.grad) : null; break;
      case 'repr': entry.repr = formatTensor(t, { gradFn, requiresGrad: t.requiresGrad }); break;
    }
  }
  return entry;
}
