/**
 * Each hidden test runs on its own copy of the submission's final namespace. Copying tensors
 * cannot keep autograd's meaning: a graph's backward closures hold the very tensors they write
 * `.grad` to, so a test calling `y.backward()` on a copied `y` would fill the original `x.grad`
 * and never the copy the test reads. So tests run on the objects themselves and the state they
 * can change is put back after each test: a snapshot of everything reachable from the namespace,
 * taken once after the submission ran, restored after every test. What it holds:
 *
 *   tensors      storage values (copied once; restored when the storage was written since),
 *                shape/strides/storage (`x.data = ...`), version counter, requires_grad, grad,
 *                grad_fn (in-place ops on non-leaves), retain_grad, attributes a program set
 *   graph nodes  freed (a backward without retain_graph), saved tensors, retained outputs
 *   containers   list items, dict and set entries, exception args
 *   objects      the attributes of instances, functions and the program's classes
 *   scopes       the variables of the notebook's module and of every closure (`global n; n += 1`)
 *
 * Not restorable: an iterator's position (`it = iter(xs)`: a test that advances it advances it
 * for later tests too), the inside of native objects (pyplot figures).
 *
 * The walk is a loop over an explicit stack (deep containers and long graphs never recurse); the
 * values copied are charged to the work meter, one unit per element.
 */
import { Node as GradNode } from '../engine/autograd.js';
import { chargeWork } from '../engine/meter.js';
import type { NamedTuple } from '../engine/op.js';
import type { Storage } from '../engine/dtype.js';
import { Tensor, type TensorStorage, type VersionCounter } from '../engine/tensor.js';
import { Scope } from '../python/environment.js';
import { tensorAttributes } from '../python/objects.js';
import {
  PyBoundMethod,
  PyClass,
  PyClassMethod,
  PyDict,
  PyException,
  PyFunction,
  PyInstance,
  PyList,
  PyModule,
  PyBuiltin,
  PyObject,
  PySet,
  PyStaticMethod,
  PyTuple,
  type PyValue,
} from '../python/values.js';

interface TensorState {
  tensor: Tensor;
  storage: TensorStorage;
  shape: readonly number[];
  strides: readonly number[];
  offset: number;
  dtype: Tensor['dtype'];
  versionCounter: VersionCounter;
  base: Tensor | null;
  requiresGrad: boolean;
  grad: Tensor | null;
  gradFn: GradNode | null;
  outputNr: number;
  retainsGrad: boolean;
  gradAccumulator: GradNode | null;
  attributes: [string, PyValue][];
}

interface StorageState {
  storage: TensorStorage;
  values: Storage;
  /** The storage's generation when its values were last known to be `values`. */
  generation: number;
}

interface NodeState {
  node: GradNode;
  freed: boolean;
  saved: GradNode['saved'];
  savedVersions: readonly number[];
  retainedOutput: Tensor | null;
}

type MapState = { map: Map<string, PyValue>; entries: [string, PyValue][] };

export class NamespaceSnapshot {
  private readonly tensors: TensorState[] = [];
  private readonly storages: StorageState[] = [];
  private readonly counters: { counter: VersionCounter; version: number }[] = [];
  private readonly nodes: NodeState[] = [];
  private readonly lists: { list: PyList; array: PyValue[]; items: PyValue[] }[] = [];
  private readonly dicts: { dict: PyDict; entries: [unknown, PyValue, PyValue][] }[] = [];
  private readonly sets: { set: PySet; entries: [unknown, PyValue][] }[] = [];
  private readonly exceptionArgs: { exception: PyException; args: PyValue[] }[] = [];
  /** Attribute maps of objects (null: the object had none yet) and variable maps of scopes. */
  private readonly objectDicts: { object: PyObject; dict: Map<string, PyValue> | null; entries: [string, PyValue][] }[] = [];
  private readonly maps: MapState[] = [];

  /** How many objects the snapshot holds state of (the cost of a restore). */
  get size(): number {
    return this.tensors.length + this.nodes.length + this.lists.length + this.dicts.length + this.sets.length + this.objectDicts.length + this.maps.length;
  }

  /** Takes the state of everything reachable from `scope` (a notebook's module scope). */
  static take(scope: Scope): NamespaceSnapshot {
    const snapshot = new NamespaceSnapshot();
    snapshot.walk(scope);
    return snapshot;
  }

  private walk(root: Scope): void {
    const seen = new Set<object>();
    const stack: unknown[] = [root];
    const push = (v: unknown) => {
      if (typeof v === 'object' && v !== null && !seen.has(v)) stack.push(v);
    };
    while (stack.length > 0) {
      const v = stack.pop() as object;
      if (seen.has(v)) continue;
      seen.add(v);
      if (v instanceof Tensor) this.addTensor(v, seen, push);
      else if (v instanceof GradNode) this.addNode(v, push);
      else if (v instanceof Scope) {
        this.maps.push({ map: v.vars, entries: [...v.vars] });
        for (const value of v.vars.values()) push(value);
        push(v.parent);
      } else if (v instanceof PyObject) this.addObject(v, push);
      else if (isNamedTuple(v)) for (const value of v.values) push(value);
    }
  }

  private addTensor(t: Tensor, seen: Set<object>, push: (v: unknown) => void): void {
    if (t.isPending) void t.data;
    const storage = t.storage;
    if (!seen.has(storage)) {
      seen.add(storage);
      const buffer = storage.buffer as Storage;
      chargeWork(buffer.length);
      this.storages.push({ storage, values: buffer.slice(), generation: storage.generation });
    }
    if (!seen.has(t.versionCounter)) {
      seen.add(t.versionCounter);
      this.counters.push({ counter: t.versionCounter, version: t.versionCounter.version });
    }
    const attributes = tensorAttributes(t);
    this.tensors.push({
      tensor: t,
      storage,
      shape: t.shape,
      strides: t.strides,
      offset: t.offset,
      dtype: t.dtype,
      versionCounter: t.versionCounter,
      base: t.base,
      requiresGrad: t.requiresGrad,
      grad: t.grad,
      gradFn: t.gradFn,
      outputNr: t.outputNr,
      retainsGrad: t.retainsGrad,
      gradAccumulator: t.gradAccumulator,
      attributes: [...attributes],
    });
    push(t.grad);
    push(t.gradFn);
    push(t.base);
    push(t.gradAccumulator);
    for (const value of attributes.values()) push(value);
  }

  private addNode(node: GradNode, push: (v: unknown) => void): void {
    this.nodes.push({ node, freed: node.freed, saved: node.saved, savedVersions: node.savedVersions, retainedOutput: node.retainedOutput });
    for (const edge of node.next) push(edge.node);
    push(node.variable);
    push(node.retainedOutput);
    for (const t of node.saved.tensors) push(t);
  }

  private addObject(v: PyObject, push: (v: unknown) => void): void {
    // Modules and built-in types are read-only to programs; built-in functions hold nothing.
    if (v instanceof PyModule || v instanceof PyBuiltin || (v instanceof PyClass && v.module !== '__main__')) return;
    if (v instanceof PyList) {
      this.lists.push({ list: v, array: v.items, items: v.items.slice() });
      for (const item of v.items) push(item);
    } else if (v instanceof PyTuple) {
      for (const item of v.items) push(item);
    } else if (v instanceof PyDict) {
      const entries: [unknown, PyValue, PyValue][] = [];
      for (const [k, [key, value]] of v.entries) {
        entries.push([k, key, value]);
        push(key);
        push(value);
      }
      this.dicts.push({ dict: v, entries });
    } else if (v instanceof PySet) {
      this.sets.push({ set: v, entries: [...v.entries] });
      for (const item of v.entries.values()) push(item);
    } else if (v instanceof PyFunction) {
      push(v.closure);
      for (const d of v.defaults) push(d);
      for (const d of v.kwDefaults.values()) push(d);
    } else if (v instanceof PyBoundMethod) {
      push(v.self);
      push(v.func);
    } else if (v instanceof PyStaticMethod || v instanceof PyClassMethod) {
      push(v.func);
    } else if (v instanceof PyClass) {
      for (const base of v.bases) push(base);
    }
    if (v instanceof PyException) {
      this.exceptionArgs.push({ exception: v, args: v.args.slice() });
      for (const arg of v.args) push(arg);
    }
    if (v instanceof PyInstance) push(v.cls);
    // Attributes: instances and classes always have a map; functions get one on first assignment.
    if (v instanceof PyInstance || v instanceof PyClass || v instanceof PyFunction) {
      this.objectDicts.push({ object: v, dict: v.dict, entries: v.dict === null ? [] : [...v.dict] });
      if (v.dict !== null) for (const value of v.dict.values()) push(value);
    }
  }

  /** Puts back the state taken: what a test changed, later tests do not see. */
  restore(): void {
    for (const s of this.storages) {
      const storage = s.storage;
      if (storage.generation === s.generation) continue;
      // Pending results of the test that read this storage are computed first (they are dropped anyway).
      storage.settleReaders();
      chargeWork(s.values.length);
      (storage.buffer as Storage).set(s.values);
      // Moving on (never back) keeps every view's cached copy of a later generation stale.
      storage.generation++;
      s.generation = storage.generation;
    }
    for (const c of this.counters) c.counter.version = c.version;
    for (const s of this.tensors) {
      const t = s.tensor;
      if (t.storage !== s.storage || t.shape !== s.shape || t.strides !== s.strides || t.offset !== s.offset || t.dtype !== s.dtype) {
        // `x.data = ...` in a test: point the tensor back at its storage, through a view of the original layout
        t.storage = s.storage;
        t.dtype = s.dtype;
        t.setData(Tensor.view(t, s.shape, s.strides, s.offset));
      }
      t.versionCounter = s.versionCounter;
      t.base = s.base;
      t.requiresGrad = s.requiresGrad;
      t.grad = s.grad;
      t.gradFn = s.gradFn;
      t.outputNr = s.outputNr;
      t.retainsGrad = s.retainsGrad;
      t.gradAccumulator = s.gradAccumulator;
      const attributes = tensorAttributes(t);
      if (attributes.size > 0 || s.attributes.length > 0) refill(attributes, s.attributes);
    }
    for (const s of this.nodes) {
      s.node.freed = s.freed;
      s.node.saved = s.saved;
      s.node.savedVersions = s.savedVersions;
      s.node.retainedOutput = s.retainedOutput;
    }
    for (const s of this.lists) {
      s.array.length = 0;
      for (const item of s.items) s.array.push(item);
      s.list.items = s.array;
    }
    for (const s of this.dicts) {
      s.dict.entries.clear();
      for (const [k, key, value] of s.entries) s.dict.entries.set(k, [key, value]);
    }
    for (const s of this.sets) {
      s.set.entries.clear();
      for (const [k, item] of s.entries) s.set.entries.set(k, item);
    }
    for (const s of this.exceptionArgs) s.exception.args = s.args.slice();
    for (const s of this.objectDicts) {
      s.object.dict = s.dict;
      if (s.dict !== null) refill(s.dict, s.entries);
    }
    for (const s of this.maps) refill(s.map, s.entries);
  }
}

function refill(map: Map<string, PyValue>, entries: readonly [string, PyValue][]): void {
  map.clear();
  for (const [key, value] of entries) map.set(key, value);
}

function isNamedTuple(v: object): v is NamedTuple {
  return 'fields' in v && 'values' in v && 'typeName' in v;
}
