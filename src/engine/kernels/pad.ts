import { allocate, type DType, type Storage } from '../dtype.js';
import { chargeWork } from '../meter.js';
import { numelOf, stridesOf, Tensor } from '../tensor.js';

/** How a padded position reads the input: 'constant' fills, 'reflect' mirrors (edge not repeated), 'replicate' repeats the edge. */
export type PadMode = 'constant' | 'reflect' | 'replicate';

/**
 * The padded shape: `pad` holds (before, after) pairs from the last dim
 * backwards, as F.pad takes them; negative amounts crop.
 */
export function paddedShape(shape: readonly number[], pad: readonly number[]): number[] {
  const out = shape.slice();
  for (let k = 0; k < pad.length / 2; k++) {
    const d = shape.length - 1 - k;
    out[d] = shape[d] + pad[2 * k] + pad[2 * k + 1];
  }
  return out;
}

/** The input index a padded position `o` of a dim of `size` reads, or -1 for a constant fill. */
function sourceIndex(mode: PadMode, o: number, before: number, size: number): number {
  const i = o - before;
  if (i >= 0 && i < size) return i;
  if (mode === 'constant') return -1;
  if (mode === 'replicate') return i < 0 ? 0 : size - 1;
  return i < 0 ? -i : 2 * (size - 1) - i;
}

/** For each element of the padded tensor, the flat index of the input element it reads (-1: filled). */
function sourceMap(shape: readonly number[], pad: readonly number[], mode: PadMode): Int32Array {
  const out = paddedShape(shape, pad);
  const inStrides = stridesOf(shape);
  const count = numelOf(out);
  const map = new Int32Array(count);
  const befores = shape.map((_, d) => {
    const k = shape.length - 1 - d;
    return k < pad.length / 2 ? pad[2 * k] : 0;
  });
  const index = new Array<number>(out.length).fill(0);
  for (let e = 0; e < count; e++) {
    let at = 0;
    for (let d = 0; d < out.length; d++) {
      const i = sourceIndex(mode, index[d], befores[d], shape[d]);
      if (i < 0) {
        at = -1;
        break;
      }
      at += i * inStrides[d];
    }
    map[e] = at;
    for (let d = out.length - 1; d >= 0; d--) {
      if (++index[d] < out[d]) break;
      index[d] = 0;
    }
  }
  return map;
}

/** x padded (or cropped, for negative amounts) by `pad`. */
export function padData(x: Tensor, pad: readonly number[], mode: PadMode, value: number): Tensor {
  const map = sourceMap(x.shape, pad, mode);
  const src = x.data;
  const out = allocate(x.dtype, map.length);
  chargeWork(map.length);
  for (let e = 0; e < map.length; e++) out[e] = map[e] < 0 ? value : src[map[e]];
  return new Tensor(out, paddedShape(x.shape, pad));
}

/** The adjoint of padding: each element of g added into the input element it was read from. */
export function unpadData(g: Tensor, inputShape: readonly number[], pad: readonly number[], mode: PadMode, dtype: DType): Tensor {
  const map = sourceMap(inputShape, pad, mode);
  const src: Storage = g.data;
  const sums = new Float64Array(numelOf(inputShape));
  chargeWork(map.length);
  for (let e = 0; e < map.length; e++) if (map[e] >= 0) sums[map[e]] += src[e];
  const out = allocate(dtype, sums.length);
  out.set(sums);
  return new Tensor(out, inputShape.slice());
}
