/**
 * Python values of the interpreter. int is a JS `bigint`, float a `number`, bool a `boolean`,
 * str a `string`, None `null`; tensors, autograd nodes, torch dtypes and named tuples are the
 * engine's own objects. Everything else is an instance of a class below. Attribute lookup never
 * touches JS properties: every namespace is a `Map`, so names like `constructor` or `__proto__`
 * are ordinary missing names.
 */
import type { Node as GradNode } from '../engine/autograd.js';
import type { NamedTuple, TorchDType } from '../engine/op.js';
import type { Tensor, TensorStorage } from '../engine/tensor.js';
import type * as ast from './ast.js';
import type { Scope, ScopeInfo } from './environment.js';

export type PyValue = null | boolean | bigint | number | string | PyObject | Tensor | GradNode | TorchDType | NamedTuple;

/** Keyword arguments of a call, in the order given (null when there are none). */
export type Kwargs = Map<string, PyValue> | null;

/** A function implemented in TypeScript. `self` is bound for methods of built-in types. */
export type NativeFunction = (args: PyValue[], kwargs: Kwargs) => PyValue;

/** Every interpreter-made object. */
export abstract class PyObject {
  /** Attributes set on the instance (user objects, functions, ctx), or null when it has none. */
  dict: Map<string, PyValue> | null = null;
}

/** An object of a type defined by the interpreter's own modules (dict views, figures, ...). */
export abstract class PyNativeObject extends PyObject {
  abstract get type(): PyClass;
}

/**
 * A class (Python's `type`): built-in types, modules' classes (`torch.Tensor`) and classes
 * defined in a program. `dict` holds methods and class attributes.
 */
export class PyClass extends PyObject {
  readonly name: string;
  /** Where Python says the class lives: `builtins` (not printed), `torch`, `__main__`, ... */
  readonly module: string;
  readonly bases: PyClass[];
  /** Method resolution order, this class first. */
  readonly mro: PyClass[];
  /** Calling a built-in type (`int('3')`, `list(x)`); user classes have none. */
  construct: NativeFunction | null;
  /** The class object of an exception hierarchy (BaseException and below). */
  readonly isException: boolean;

  constructor(name: string, module: string, bases: PyClass[], construct: NativeFunction | null = null) {
    super();
    this.name = name;
    this.module = module;
    this.bases = bases;
    this.mro = linearize(this, bases);
    this.construct = construct;
    this.isException = this.mro.some((c) => c.name === 'BaseException' && c.module === 'builtins');
    this.dict = new Map();
  }

  /** The attribute found first along the MRO, or undefined. */
  lookup(name: string): PyValue | undefined {
    for (const cls of this.mro) {
      const value = (cls.dict as Map<string, PyValue>).get(name);
      if (value !== undefined) return value;
    }
    return undefined;
  }

  isSubclassOf(other: PyClass): boolean {
    return this.mro.includes(other);
  }

  /** `torch.Tensor`, `list`, `__main__.SQ` as Python prints them in `<class '...'>`. */
  get qualifiedName(): string {
    return this.module === 'builtins' ? this.name : `${this.module}.${this.name}`;
  }
}

/** C3 linearization (Python's MRO). Inconsistent hierarchies fall back to depth-first order. */
function linearize(cls: PyClass, bases: PyClass[]): PyClass[] {
  const sequences = [...bases.map((b) => [...b.mro]), [...bases]];
  const result: PyClass[] = [cls];
  for (;;) {
    const nonEmpty = sequences.filter((s) => s.length > 0);
    if (nonEmpty.length === 0) return result;
    const head = nonEmpty.map((s) => s[0]).find((candidate) => !nonEmpty.some((s) => s.indexOf(candidate) > 0));
    if (head === undefined) return [cls, ...bases.flatMap((b) => b.mro)].filter((c, i, all) => all.indexOf(c) === i);
    result.push(head);
    for (const s of nonEmpty) if (s[0] === head) s.shift();
  }
}

/** An instance of a class defined in the program (and of exceptions). */
export class PyInstance extends PyObject {
  readonly cls: PyClass;
  constructor(cls: PyClass) {
    super();
    this.cls = cls;
    this.dict = new Map();
  }
}

/** An exception object: its class and the arguments it was created with. */
export class PyException extends PyInstance {
  args: PyValue[];
  constructor(cls: PyClass, args: PyValue[]) {
    super(cls);
    this.args = args;
  }
}

export class PyList extends PyObject {
  items: PyValue[];
  constructor(items: PyValue[] = []) {
    super();
    this.items = items;
  }
}

export class PyTuple extends PyObject {
  readonly items: readonly PyValue[];
  constructor(items: readonly PyValue[]) {
    super();
    this.items = items;
  }
}

/** `torch.Size`: a tuple of ints printed `torch.Size([2, 3])`. */
export class TorchSize extends PyTuple {}

/** A dict: insertion-ordered, keys compared by Python equality (1 == 1.0 == True). */
export class PyDict extends PyObject {
  /** Entries by key identity (see `keyOf` in objects.ts). */
  readonly entries = new Map<unknown, [PyValue, PyValue]>();
}

export class PySet extends PyObject {
  readonly entries = new Map<unknown, PyValue>();
  readonly frozen: boolean;
  constructor(frozen = false) {
    super();
    this.frozen = frozen;
  }
}

export class PyRange extends PyObject {
  readonly start: bigint;
  readonly stop: bigint;
  readonly step: bigint;
  constructor(start: bigint, stop: bigint, step: bigint) {
    super();
    this.start = start;
    this.stop = stop;
    this.step = step;
  }

  get length(): bigint {
    const { start, stop, step } = this;
    if (step > 0n) return stop > start ? (stop - start + step - 1n) / step : 0n;
    return start > stop ? (start - stop - step - 1n) / -step : 0n;
  }
}

export class PySlice extends PyObject {
  readonly start: PyValue;
  readonly stop: PyValue;
  readonly step: PyValue;
  constructor(start: PyValue, stop: PyValue, step: PyValue) {
    super();
    this.start = start;
    this.stop = stop;
    this.step = step;
  }
}

/** A function defined with `def` or `lambda`. */
export class PyFunction extends PyObject {
  readonly name: string;
  readonly qualname: string;
  readonly node: ast.FunctionDef | ast.Lambda;
  /** The scope the function was defined in (its closure). */
  readonly closure: Scope;
  readonly info: ScopeInfo;
  readonly defaults: PyValue[];
  readonly kwDefaults: Map<string, PyValue>;
  readonly doc: string | null;
  /**
   * The class whose body defined it (for `super()`). Fields, not WeakMap entries, link a run's
   * objects: V8's scavenger keeps a WeakMap's values alive until a full GC, and a class (its
   * functions' closure, the run's namespace, every tensor in it) kept so was promoted run after run.
   */
  definingClass: PyClass | null = null;
  constructor(
    name: string,
    qualname: string,
    node: ast.FunctionDef | ast.Lambda,
    closure: Scope,
    info: ScopeInfo,
    defaults: PyValue[],
    kwDefaults: Map<string, PyValue>,
    doc: string | null,
  ) {
    super();
    this.name = name;
    this.qualname = qualname;
    this.node = node;
    this.closure = closure;
    this.info = info;
    this.defaults = defaults;
    this.kwDefaults = kwDefaults;
    this.doc = doc;
  }
}

/** A built-in function or a method of a built-in type (`self` is its first argument). */
export class PyBuiltin extends PyObject {
  readonly name: string;
  readonly fn: NativeFunction;
  /** The type whose method this is (printed `<method 'append' of 'list' objects>`), or null for a function. */
  readonly owner: string | null;
  constructor(name: string, fn: NativeFunction, owner: string | null = null) {
    super();
    this.name = name;
    this.fn = fn;
    this.owner = owner;
  }
}

/** A function or built-in method bound to the object it was looked up on. */
export class PyBoundMethod extends PyObject {
  readonly self: PyValue;
  readonly func: PyFunction | PyBuiltin;
  constructor(self: PyValue, func: PyFunction | PyBuiltin) {
    super();
    this.self = self;
    this.func = func;
  }
}

export class PyStaticMethod extends PyObject {
  readonly func: PyValue;
  constructor(func: PyValue) {
    super();
    this.func = func;
  }
}

export class PyClassMethod extends PyObject {
  readonly func: PyValue;
  constructor(func: PyValue) {
    super();
    this.func = func;
  }
}

/** A computed attribute: `x.grad`, `x.shape`, or a `@property` of a program's class. */
export class PyProperty extends PyObject {
  readonly get: (self: PyValue) => PyValue;
  readonly set: ((self: PyValue, value: PyValue) => void) | null;
  /** The getter function it was made from (for `@x.setter`), if made by `property`. */
  readonly getter: PyValue;
  constructor(get: (self: PyValue) => PyValue, set: ((self: PyValue, value: PyValue) => void) | null = null, getter: PyValue = null) {
    super();
    this.get = get;
    this.set = set;
    this.getter = getter;
  }
}

/** An importable module. Its namespace cannot be changed by a program. */
export class PyModule extends PyObject {
  readonly name: string;
  constructor(name: string, attrs: Map<string, PyValue>) {
    super();
    this.name = name;
    this.dict = attrs;
  }
}

/** A `with` target implemented natively (torch.no_grad(), ...): runs the body inside `around`. */
export class PyContextManager extends PyObject {
  readonly typeName: string;
  readonly around: <T>(body: () => T) => T;
  constructor(typeName: string, around: <T>(body: () => T) => T) {
    super();
    this.typeName = typeName;
    this.around = around;
  }
}

/** Marks the end of an iterator. */
export const STOP: unique symbol = Symbol('StopIteration');
export type Next = PyValue | typeof STOP;

/** An iterator object (zip, enumerate, map, iter(list), ...). */
export class PyIterator extends PyObject {
  readonly typeName: string;
  readonly next: () => Next;
  constructor(typeName: string, next: () => Next) {
    super();
    this.typeName = typeName;
    this.next = next;
  }
}

/** `NotImplemented` and `Ellipsis`-like singletons with a fixed repr. */
export class PySingleton extends PyObject {
  readonly repr: string;
  readonly typeName: string;
  constructor(repr: string, typeName: string) {
    super();
    this.repr = repr;
    this.typeName = typeName;
  }
}

export const ELLIPSIS = new PySingleton('Ellipsis', 'ellipsis');
export const NOT_IMPLEMENTED = new PySingleton('NotImplemented', 'NotImplementedType');

/** A numpy array: a typed copy (or the tensor's own buffer) with a shape and numpy's dtype name. */
export class PyNdarray extends PyObject {
  /** int64 values are held exactly in a Float64Array (up to 2^53), bools as 0/1. */
  readonly data: Float32Array | Float64Array | Uint8Array;
  readonly shape: readonly number[];
  readonly dtype: 'float32' | 'float64' | 'int64' | 'bool';
  /** The tensor storage whose buffer `data` is (Tensor.numpy() shares its memory), else null. */
  readonly storage: TensorStorage | null;
  constructor(data: PyNdarray['data'], shape: readonly number[], dtype: PyNdarray['dtype'], storage: TensorStorage | null = null) {
    super();
    this.data = data;
    this.shape = shape;
    this.dtype = dtype;
    this.storage = storage;
  }
}

/** numpy's dtype object (`n.dtype`), printed `float32`, repr `dtype('float32')`. */
export class PyNumpyDtype extends PyObject {
  readonly name: string;
  constructor(name: string) {
    super();
    this.name = name;
  }
}
