import { allocate, convertValues, dtypeOfStorage, isFloating, rounder, type DType, type Storage } from './dtype.js';
import { ProblemError } from '../errors.js';
import type { Node } from './autograd.js';
import type { CachedContents } from './repr.js';
import type { WireArray } from '../program/wire.js';

/**
 * Values a kernel will compute when they are first read (kernels/fusion.ts
 * fuses chains of elementwise ops this way). materialize() must end with
 * target.fulfil(values).
 */
export interface PendingValues {
  materialize(target: Tensor): void;
}

/** Shared by every tensor that reads no storage while pending (never pushed to: addReader gives a tensor its own array). */
const NO_STORAGES: TensorStorage[] = [];

/** The memory a tensor and its views share (PyTorch's Storage). */
export class TensorStorage {
  /** The values; null while the owning tensor's values are pending. */
  buffer: Storage | null;
  /** Bumped by every write: a view's contiguous copy of an older generation is stale. */
  generation = 0;
  /**
   * Pending results that read this storage: computed before anything writes it. Held strongly: a
   * WeakRef keeps its target alive until the end of the current job, and a run is one job, so
   * WeakRefs kept every result of a run (and its buffer) alive until the run ended. A result
   * leaves the set when it is computed (Tensor.fulfil).
   */
  readers: Set<Tensor> | null = null;
  /**
   * The buffer's values as an answer carries them (program/wire.ts: wireArrayOf), with the
   * buffer and generation they were read at: a tensor shown in a figure and in `variables`, and
   * its views and detach()es, share one array until the next write.
   */
  wire: { buffer: Storage; generation: number; values: WireArray } | null = null;

  constructor(buffer: Storage | null) {
    this.buffer = buffer;
  }

  /** Remembers that the pending `reader` reads this storage (fusion.ts), until it is computed. */
  addReader(reader: Tensor): void {
    (this.readers ??= new Set()).add(reader);
    if (reader.readsFrom === NO_STORAGES) reader.readsFrom = [this];
    else reader.readsFrom.push(this);
  }

  /** Computes every pending result that still reads this storage (before it is written). */
  settleReaders(): void {
    const readers = this.readers;
    if (readers === null) return;
    this.readers = null;
    for (const reader of readers) if (reader.isPending) void reader.data;
  }
}

/** PyTorch's version counter: shared by a tensor, its views and detach(); every in-place write bumps it. */
export class VersionCounter {
  version = 0;
}

/**
 * A tensor: a shape, strides and an offset into a storage that views share.
 * Kernels read `data`, always the elements in row-major order: the storage
 * itself when the tensor covers it contiguously (fresh results, view/reshape
 * of those, unsqueeze, detach), else a contiguous copy cached until the
 * storage is next written (slices, transposes, expands). Writes go through
 * `write()` (in-place ops), which follows the strides. Values may be pending
 * (computed on first read of `data`); shape, dtype and numel are known at once.
 */
export class Tensor {
  /** Shared with views. */
  storage: TensorStorage;
  /** The storage buffer when `data` is the storage itself (dense and computed), else null. */
  private direct: Storage | null;
  /** A contiguous copy of a non-dense view and the storage generation it was read at. */
  private copy: Storage | null = null;
  private copyGeneration = -1;
  /** How the values will be computed, until they are (then null). */
  pending: PendingValues | null = null;
  /** The storages whose reader sets hold this tensor while it is pending (TensorStorage.addReader). */
  readsFrom: TensorStorage[] = NO_STORAGES;
  shape: readonly number[];
  /** Row-major strides for a tensor that owns its storage, computed when first asked for (most never are). */
  private ownStrides: readonly number[] | null = null;
  /** Where element [0, ..., 0] sits in the storage. */
  offset: number;
  /** Whether the tensor is its storage, contiguous from 0 (then `data` is the storage buffer). */
  dense: boolean;
  dtype: DType;
  numel: number;
  /** Shared with views and detach(); bumped by in-place writes (saved tensors check it). Made when first needed. */
  private counter: VersionCounter | null = null;
  /** The tensor this one is a view of (PyTorch's `._base`), never itself a view; null if not a view. */
  base: Tensor | null = null;
  requiresGrad: boolean;
  grad: Tensor | null = null;
  /** The backward node that produced this tensor; null for leaves. */
  gradFn: Node | null = null;
  /** Which of gradFn's outputs this tensor is (split and unbind pieces; else 0). */
  outputNr = 0;
  /** Keep `.grad` on a non-leaf tensor (PyTorch's retain_grad()). */
  retainsGrad = false;
  /** A Python number wrapped as a 0-dim tensor: never drives type promotion. */
  readonly wrappedNumber: boolean;
  /** The name a leaf was given in the request; AccumulateGrad reports it. */
  name: string | null = null;
  /** Cached AccumulateGrad node, so every use of a leaf shares one node. */
  gradAccumulator: Node | null = null;
  /**
   * What engine/repr.ts last printed for this tensor. A field, not a WeakMap entry: V8's scavenger
   * keeps a WeakMap's values alive until a full GC, and a 1000-element repr kept so per run (with
   * the storage it names) was promoted, run after run, into the old generation.
   */
  printed: CachedContents | null = null;
  /** Attributes a Python program set on it (python/objects.ts: tensorAttributes), made when first set. */
  attributes: Map<string, unknown> | null = null;

  /** A tensor owning `data` (its dtype is the buffer's: Int64Array is int64, Uint8Array bool). */
  constructor(data: Storage, shape: readonly number[], options: { requiresGrad?: boolean; wrappedNumber?: boolean } = {}) {
    this.storage = new TensorStorage(data);
    this.direct = data;
    this.shape = shape;
    this.offset = 0;
    this.dense = true;
    this.dtype = dtypeOfStorage(data);
    this.numel = data.length;
    this.requiresGrad = options.requiresGrad ?? false;
    if (this.requiresGrad && !isFloating(this.dtype)) throw onlyFloatingCanRequireGrad();
    this.wrappedNumber = options.wrappedNumber ?? false;
  }

  /** A tensor whose values `pending` computes when they are first read. */
  static deferred(shape: readonly number[], dtype: DType, pending: PendingValues): Tensor {
    const t = new Tensor(NO_VALUES, shape);
    t.storage.buffer = null;
    t.direct = null;
    t.pending = pending;
    t.dtype = dtype;
    t.numel = numelOf(shape);
    return t;
  }

  /**
   * A view of `source`: the same storage (and version counter) read through
   * `shape`, `strides` and `offset` (in storage elements). No autograd here:
   * view ops record their nodes around it.
   */
  static view(source: Tensor, shape: readonly number[], strides: readonly number[], offset: number): Tensor {
    if (source.pending !== null) void source.data;
    const t = new Tensor(NO_VALUES, shape);
    t.storage = source.storage;
    t.counter = source.versionCounter;
    t.base = source.base ?? source;
    t.shape = shape;
    t.ownStrides = strides;
    t.offset = offset;
    t.dtype = source.dtype;
    t.numel = numelOf(shape);
    const buffer = source.storage.buffer as Storage;
    t.dense = offset === 0 && t.numel === buffer.length && isContiguous(shape, strides);
    t.direct = t.dense ? buffer : null;
    return t;
  }

  /** The values in row-major order, computed first if they are pending (see the class comment). */
  get data(): Storage {
    const direct = this.direct;
    if (direct !== null) return direct;
    return this.readIndirect();
  }

  private readIndirect(): Storage {
    if (this.pending !== null) {
      this.pending.materialize(this);
      return this.direct as Storage;
    }
    const storage = this.storage;
    if (this.copy === null || this.copyGeneration !== storage.generation) {
      this.copy = gatherStrided(storage.buffer as Storage, this.dtype, this.shape, this.strides, this.offset);
      this.copyGeneration = storage.generation;
    }
    return this.copy;
  }

  /** Whether the values are still to be computed. */
  get isPending(): boolean {
    return this.pending !== null;
  }

  /** Called by a pending computation with the values it computed. */
  fulfil(values: Storage): void {
    this.storage.buffer = values;
    this.direct = values;
    this.pending = null;
    if (this.readsFrom.length > 0) {
      for (const storage of this.readsFrom) storage.readers?.delete(this);
      this.readsFrom = NO_STORAGES;
    }
  }

  /** Elements to step in the storage per index of each dim. */
  get strides(): readonly number[] {
    return (this.ownStrides ??= stridesOf(this.shape));
  }

  /** The version counter (shared with views and detach()). */
  get versionCounter(): VersionCounter {
    return (this.counter ??= new VersionCounter());
  }

  set versionCounter(counter: VersionCounter) {
    this.counter = counter;
  }

  /** The version counter's value (PyTorch's `_version`); 0 before any write. */
  get version(): number {
    return this.counter === null ? 0 : this.counter.version;
  }

  /**
   * Writes `values` (this tensor's elements in row-major order, already in its
   * dtype) into the storage through the strides: the one way an in-place op
   * changes values. Pending results that read the storage are computed first;
   * the version counter is bumped.
   */
  write(values: ArrayLike<number>): void {
    if (this.pending !== null) void this.data;
    const storage = this.storage;
    storage.settleReaders();
    const buffer = storage.buffer as Storage;
    if (this.dense) {
      if (values !== buffer) buffer.set(values);
    } else {
      scatterStrided(buffer, values, this.shape, this.strides, this.offset);
    }
    storage.generation++;
    this.versionCounter.version++;
  }

  /**
   * Writes `values[k]` at storage position `positions[k]` (advanced-index
   * assignment; later positions win on repeats), as write() does: pending
   * readers first, then the version bump.
   */
  writeAt(positions: Int32Array, values: ArrayLike<number>): void {
    if (this.pending !== null) void this.data;
    const storage = this.storage;
    storage.settleReaders();
    const buffer = storage.buffer as Storage;
    for (let k = 0; k < positions.length; k++) buffer[positions[k]] = values[k];
    storage.generation++;
    this.versionCounter.version++;
  }

  /** Whether two elements of this tensor share memory (an expanded view): in-place writes refuse it. */
  get overlaps(): boolean {
    for (let d = 0; d < this.shape.length; d++) if (this.strides[d] === 0 && this.shape[d] > 1) return true;
    return false;
  }

  /** Points this tensor at `source`'s storage, shape and dtype (PyTorch's `x.data = y`); grad and history stay. */
  setData(source: Tensor): void {
    if (source.pending !== null) void source.data;
    this.storage = source.storage;
    this.shape = source.shape;
    this.ownStrides = source.strides;
    this.offset = source.offset;
    this.dense = source.dense;
    this.direct = source.dense ? source.storage.buffer : null;
    this.pending = null;
    this.copy = null;
    this.dtype = source.dtype;
    this.numel = source.numel;
  }

  get ndim(): number {
    return this.shape.length;
  }

  get isLeaf(): boolean {
    return this.gradFn === null;
  }

  /** The value of a one-element tensor (int64 and bool as numbers: 1 is True). */
  item(): number {
    return this.data[0];
  }

  /**
   * PyTorch's detach(): the same storage and version counter, outside any
   * graph (a view of this tensor: in-place writes to either show in both).
   */
  detach(): Tensor {
    const t = Tensor.view(this, this.shape, this.strides, this.offset);
    return t;
  }

  /** PyTorch's `x.data`: the same storage with a version counter of its own, outside any graph, not a view. */
  dataAlias(): Tensor {
    const t = Tensor.view(this, this.shape, this.strides, this.offset);
    t.versionCounter = new VersionCounter();
    t.base = null;
    return t;
  }

  /** A new tensor with a copy of the values, sharing nothing and outside any graph. */
  detachedCopy(): Tensor {
    return new Tensor(this.data.slice(), this.shape.slice());
  }
}

/** PyTorch's message for requires_grad on an integer or bool tensor. */
export function onlyFloatingCanRequireGrad(): ProblemError {
  return new ProblemError('invalid-argument', 'Only Tensors of floating point and complex dtype can require gradients');
}

/** Whether `strides` lay `shape` out row-major without gaps (size-1 dims may have any stride). */
export function isContiguous(shape: readonly number[], strides: readonly number[]): boolean {
  let expected = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    if (shape[d] === 1) continue;
    if (strides[d] !== expected) return false;
    expected *= shape[d];
  }
  return true;
}

/** The elements of a strided view in row-major order, as a new buffer. */
function gatherStrided(buffer: Storage, dtype: DType, shape: readonly number[], strides: readonly number[], offset: number): Storage {
  const n = numelOf(shape);
  const out = allocate(dtype, n);
  if (n === 0) return out;
  const ndim = shape.length;
  const index = new Array<number>(ndim).fill(0);
  let from = offset;
  for (let i = 0; i < n; i++) {
    out[i] = buffer[from];
    for (let d = ndim - 1; d >= 0; d--) {
      index[d]++;
      from += strides[d];
      if (index[d] < shape[d]) break;
      from -= strides[d] * shape[d];
      index[d] = 0;
    }
  }
  return out;
}

/** Writes row-major `values` into a strided view of `buffer`. */
function scatterStrided(buffer: Storage, values: ArrayLike<number>, shape: readonly number[], strides: readonly number[], offset: number): void {
  const n = numelOf(shape);
  const ndim = shape.length;
  const index = new Array<number>(ndim).fill(0);
  let to = offset;
  for (let i = 0; i < n; i++) {
    buffer[to] = values[i];
    for (let d = ndim - 1; d >= 0; d--) {
      index[d]++;
      to += strides[d];
      if (index[d] < shape[d]) break;
      to -= strides[d] * shape[d];
      index[d] = 0;
    }
  }
}

const NO_VALUES: Storage = new Float32Array(0);

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
  data[0] = rounder(dtype)(value);
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
  return new Tensor(convertValues(t.data, dtype), t.shape.slice());
}
