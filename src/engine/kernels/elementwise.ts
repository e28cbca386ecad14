import { allocate, isFloating, rounder, type DType, type Storage } from '../dtype.js';
import { broadcastShapes } from '../broadcast.js';
import { numelOf, sameShape, stridesOf, Tensor } from '../tensor.js';
import { deferMap, deferZip, fuses } from './fusion.js';

// ---- per-op loop copies -------------------------------------------------------
// One shared loop calling many different `f`s is a megamorphic call site: V8
// cannot inline `f`, and every element pays a real call (the profile of the
// chain benchmark shows the op lambdas as separate frames). Large tensors
// therefore run a private copy of the same fixed loop text per op function
// (keyed by the function's source, so the closures one op creates on every call share
// a copy): its call site only ever sees that op, and V8 inlines it. The loop
// text is a constant of this file; nothing from a request is ever compiled.

type Unary = (x: number) => number;
type Binary = (x: number, y: number) => number;
type UnaryLoop = (f: Unary, src: Storage, out: Storage, n: number) => void;
type BinaryLoop = (f: Binary, a: Storage, b: Storage, out: Storage, n: number) => void;

/** Below this many elements the shared loop is as fast: the copy is not worth a lookup. */
const COPY_THRESHOLD = 2048;
const MAX_COPIES = 256;

const UNARY_LOOP = 'for (let i = 0; i < n; i++) out[i] = f(src[i]);';
const BINARY_LOOPS = {
  same: 'for (let i = 0; i < n; i++) out[i] = f(a[i], b[i]);',
  scalarRight: 'const y = b[0]; for (let i = 0; i < n; i++) out[i] = f(a[i], y);',
  scalarLeft: 'const x = a[0]; for (let i = 0; i < n; i++) out[i] = f(x, b[i]);',
} as const;

const unaryCopies = new Map<string, UnaryLoop>();
const binaryCopies = new Map<string, BinaryLoop>();

function unaryLoop(f: Unary, n: number): UnaryLoop {
  if (n < COPY_THRESHOLD) return sharedUnaryLoop;
  const key = f.toString();
  let loop = unaryCopies.get(key);
  if (loop === undefined) {
    if (unaryCopies.size >= MAX_COPIES) return sharedUnaryLoop;
    loop = new Function('f', 'src', 'out', 'n', UNARY_LOOP) as UnaryLoop;
    unaryCopies.set(key, loop);
  }
  return loop;
}

function binaryLoop(kind: keyof typeof BINARY_LOOPS, f: Binary, n: number): BinaryLoop {
  if (n < COPY_THRESHOLD) return sharedBinaryLoops[kind];
  const key = kind + f.toString();
  let loop = binaryCopies.get(key);
  if (loop === undefined) {
    if (binaryCopies.size >= MAX_COPIES) return sharedBinaryLoops[kind];
    loop = new Function('f', 'a', 'b', 'out', 'n', BINARY_LOOPS[kind]) as BinaryLoop;
    binaryCopies.set(key, loop);
  }
  return loop;
}

function sharedUnaryLoop(f: Unary, src: Storage, out: Storage, n: number): void {
  for (let i = 0; i < n; i++) out[i] = f(src[i]);
}

const sharedBinaryLoops: Record<keyof typeof BINARY_LOOPS, BinaryLoop> = {
  same: (f, a, b, out, n) => {
    for (let i = 0; i < n; i++) out[i] = f(a[i], b[i]);
  },
  scalarRight: (f, a, b, out, n) => {
    const y = b[0];
    for (let i = 0; i < n; i++) out[i] = f(a[i], y);
  },
  scalarLeft: (f, a, b, out, n) => {
    const x = a[0];
    for (let i = 0; i < n; i++) out[i] = f(x, b[i]);
  },
};

/**
 * `f` with its result stored as `dtype` stores it: int64 truncates and bool
 * tests != 0 (a typed-array store does that for float32 and float64 itself).
 */
function storedAs<F extends (x: number, y: number) => number>(f: F, dtype: DType): F {
  if (isFloating(dtype)) return f;
  const round = rounder(dtype);
  return ((x: number, y: number) => round(f(x, y))) as F;
}

/** out[i] = f(a[i]), rounded to `dtype` (default: a's). Large float results are deferred and fused (fusion.ts). */
export function map(a: Tensor, fn: (x: number) => number, dtype: DType = a.dtype): Tensor {
  const f = storedAs(fn, dtype);
  if (fuses(a.numel) && isFloating(dtype)) return deferMap(a, f, dtype);
  const src = a.data;
  const out = allocate(dtype, src.length);
  unaryLoop(f, src.length)(f, src, out, src.length);
  return new Tensor(out, a.shape.slice());
}

/**
 * out = f(a, b) with broadcasting. Typed-array stores round each result to the
 * output dtype, which is exactly one float32 rounding per op, as PyTorch does.
 */
export function zip(a: Tensor, b: Tensor, dtype: DType, fn: (x: number, y: number) => number): Tensor {
  const f = storedAs(fn, dtype);
  const fusable = isFloating(dtype);
  // One element expanded to a shape (stride 0 everywhere: sum's backward) is read once, like a number.
  const aElement = broadcastElement(a);
  const bElement = broadcastElement(b);
  if ((aElement === null) !== (bElement === null)) {
    const shape = sameShape(a.shape, b.shape) ? a.shape.slice() : broadcastShapes(a.shape, b.shape);
    const n = numelOf(shape);
    if (bElement !== null && a.numel === n) {
      if (fusable && fuses(n)) return deferZip(a, bElement, 'scalarRight', shape, dtype, f);
      const out = allocate(dtype, n);
      binaryLoop('scalarRight', f, n)(f, a.data, bElement.data, out, n);
      return new Tensor(out, shape);
    }
    if (aElement !== null && b.numel === n) {
      if (fusable && fuses(n)) return deferZip(aElement, b, 'scalarLeft', shape, dtype, f);
      const out = allocate(dtype, n);
      binaryLoop('scalarLeft', f, n)(f, aElement.data, b.data, out, n);
      return new Tensor(out, shape);
    }
  }
  if (a.numel === b.numel && sameShape(a.shape, b.shape)) {
    if (fusable && fuses(a.numel)) return deferZip(a, b, 'same', a.shape.slice(), dtype, f);
    const ad = a.data;
    const out = allocate(dtype, ad.length);
    binaryLoop('same', f, ad.length)(f, ad, b.data, out, ad.length);
    return new Tensor(out, a.shape.slice());
  }
  const shape = broadcastShapes(a.shape, b.shape);
  const n = numelOf(shape);
  if (b.numel === 1 && a.numel === n) {
    if (fusable && fuses(n)) return deferZip(a, b, 'scalarRight', shape, dtype, f);
    const out = allocate(dtype, n);
    binaryLoop('scalarRight', f, n)(f, a.data, b.data, out, n);
    return new Tensor(out, shape);
  }
  if (a.numel === 1 && b.numel === n) {
    if (fusable && fuses(n)) return deferZip(a, b, 'scalarLeft', shape, dtype, f);
    const out = allocate(dtype, n);
    binaryLoop('scalarLeft', f, n)(f, a.data, b.data, out, n);
    return new Tensor(out, shape);
  }
  const ad = a.data;
  const bd = b.data;
  const out = allocate(dtype, n);
  const sa = broadcastStrides(a.shape, shape);
  const sb = broadcastStrides(b.shape, shape);
  const index = new Array<number>(shape.length).fill(0);
  let ia = 0;
  let ib = 0;
  for (let i = 0; i < n; i++) {
    out[i] = f(ad[ia], bd[ib]);
    // advance the multi-index like an odometer, moving both source offsets
    for (let d = shape.length - 1; d >= 0; d--) {
      index[d]++;
      ia += sa[d];
      ib += sb[d];
      if (index[d] < shape[d]) break;
      ia -= sa[d] * shape[d];
      ib -= sb[d] * shape[d];
      index[d] = 0;
    }
  }
  return new Tensor(out, shape);
}

/** A view of one element repeated over a shape (every stride 0), as that element alone (0-dim); else null. */
function broadcastElement(t: Tensor): Tensor | null {
  if (t.dense || t.numel <= 1) return null;
  const strides = t.strides;
  for (let d = 0; d < strides.length; d++) if (strides[d] !== 0 && t.shape[d] > 1) return null;
  return Tensor.view(t, [], [], t.offset);
}

/** Strides that read `shape` as if broadcast to `target` (0 along broadcast dims). */
export function broadcastStrides(shape: readonly number[], target: readonly number[]): number[] {
  const own = stridesOf(shape);
  const lead = target.length - shape.length;
  return target.map((_, d) => (d < lead || shape[d - lead] === 1 ? 0 : own[d - lead]));
}

/** Rounds a Python number to the dtype it will be computed in. */
export function scalarIn(dtype: DType, value: number): number {
  return rounder(dtype)(value);
}
