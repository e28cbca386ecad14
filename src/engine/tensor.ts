import { allocate, type DType, type Storage } from './dtype.js';
import type { Node } from './autograd.js';

/**
 * Values a kernel will compute when they are first read (kernels/fusion.ts
 * fuses chains of elementwise ops this way). materialize() must end with
 * target.fulfil(values).
 */
export interface PendingValues {
  materialize(target: Tensor): void;
}

/**
 * A dense, contiguous, row-major tensor. Views (view, reshape, t, transpose)
 * copy, so every kernel can assume contiguous data. Its values may be pending
 * (computed on first read of `data`); shape, dtype and numel are known at once.
 */
export class Tensor {
  private storage: Storage | null;
  /** How the values will be computed, until they are (then null). */
  pending: PendingValues | null = null;
  readonly shape: readonly number[];
  readonly dtype: DType;
  readonly numel: number;
  requiresGrad: boolean;
  grad: Tensor | null = null;
  /** The backward node that produced this tensor; null for leaves. */
  gradFn: Node | null = null;
  /** Keep `.grad` on a non-leaf tensor (PyTorch's retain_grad()). */
  retainsGrad = false;
  /** A Python number wrapped as a 0-dim tensor: never drives type promotion. */
  readonly wrappedNumber: boolean;
  /** The name a leaf was given in the request; AccumulateGrad reports it. */
  name: string | null = null;
  /** Cached AccumulateGrad node, so every use of a leaf shares one node. */
  gradAccumulator: Node | null = null;

  constructor(data: Storage, shape: readonly number[], options: { requiresGrad?: boolean; wrappedNumber?: boolean } = {}) {
    this.storage = data;
    this.shape = shape;
    this.dtype = data instanceof Float32Array ? 'float32' : 'float64';
    this.numel = data.length;
    this.requiresGrad = options.requiresGrad ?? false;
    this.wrappedNumber = options.wrappedNumber ?? false;
  }

  /** A tensor whose values `pending` computes when they are first read. */
  static deferred(shape: readonly number[], dtype: DType, pending: PendingValues): Tensor {
    const t = new Tensor(NO_VALUES[dtype], shape);
    t.storage = null;
    t.pending = pending;
    (t as { dtype: DType }).dtype = dtype;
    (t as { numel: number }).numel = numelOf(shape);
    return t;
  }

  /** The values, computed first if they are pending. */
  get data(): Storage {
    const storage = this.storage;
    if (storage !== null) return storage;
    (this.pending as PendingValues).materialize(this);
    return this.storage as unknown as Storage;
  }

  /** Whether the values are still to be computed. */
  get isPending(): boolean {
    return this.storage === null;
  }

  /** Called by a pending computation with the values it computed. */
  fulfil(values: Storage): void {
    this.storage = values;
    this.pending = null;
  }

  get ndim(): number {
    return this.shape.length;
  }

  get isLeaf(): boolean {
    return this.gradFn === null;
  }

  /** The value of a one-element tensor. */
  item(): number {
    return this.data[0];
  }

  /** A new tensor sharing nothing with this one and outside any graph. */
  detach(): Tensor {
    return new Tensor(this.data.slice(), this.shape.slice());
  }
}

const NO_VALUES: Record<DType, Storage> = { float32: new Float32Array(0), float64: new Float64Array(0) };

export function numelOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

export function zerosTensor(shape: readonly number[], dtype: DType): Tensor {
  return new Tensor(allocate(dtype, numelOf(shape)), shape.slice());
}

export function fullTensor(shape: readonly number[], dtype: DType, value: number): Tensor {
  const t = zerosTensor(shape, dtype);
  t.data.fill(value);
  return t;
}

/** A Python number as PyTorch wraps it: a 0-dim tensor that does not promote types. */
export function wrapNumber(value: number, dtype: DType): Tensor {
  const data = allocate(dtype, 1);
  data[0] = value;
  return new Tensor(data, [], { wrappedNumber: true });
}

/** Row-major strides of a contiguous shape. */
export function stridesOf(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i];
  }
  return strides;
}

export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** torch.Size([2, 3]) as PyTorch prints it in messages. */
export function formatSize(shape: readonly number[]): string {
  return `torch.Size([${shape.join(', ')}])`;
}

/** A copy in another dtype, outside any graph (PyTorch casts gradients to their input's dtype). */
export function castTo(t: Tensor, dtype: DType): Tensor {
  const data = allocate(dtype, t.numel);
  data.set(t.data);
  return new Tensor(data, t.shape.slice());
}
