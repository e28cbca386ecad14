import { ProblemError } from '../errors.js';
import { isGradEnabled, type KinkHit, recordNode, type SavedTensors } from './autograd.js';
import { TorchDType } from './dtype.js';

export { TorchDType };
import { Tensor } from './tensor.js';

/**
 * A primitive: one forward computation and its backward rule, side by side.
 * `forward` computes on raw data and never records; `backward` is written with
 * the engine's differentiable ops, so running it with grad mode on (create_graph)
 * records a graph of the gradient itself.
 */
export interface Primitive<Attrs = void> {
  /** PyTorch's grad_fn name, e.g. `MulBackward0`. */
  gradFn: string;
  forward(inputs: readonly Tensor[], attrs: Attrs): Tensor;
  /** One gradient per input (null where an input gets none), in the output's broadcast shape or the input's. */
  backward(gradOutput: Tensor, saved: { inputs: readonly Tensor[]; output: Tensor; attrs: Attrs }): (Tensor | null)[];
  /**
   * Where the saved values sit on a point the op is not differentiable at, and
   * the convention the backward rule applies there (read by diagnostics only).
   */
  kinks?(saved: { inputs: readonly Tensor[]; output: Tensor; attrs: Attrs }): KinkHit[];
  /**
   * What backward reads (PyTorch's saved variables): checked against in-place
   * changes before backward runs, and what a second backward through the node
   * (without retain_graph) finds freed. Default: every input. 'nothing' for
   * ops whose backward needs only shapes (add, sum, view), 'output' for those
   * that read only their result (exp, tanh, sigmoid); a function decides per
   * call (mul saves `other` only when `self` requires grad).
   */
  saves?: 'nothing' | 'output' | SavedSpec | ((inputs: readonly Tensor[]) => SavedSpec);
}

/** The inputs (by position) and whether the output a node saves. */
export interface SavedSpec {
  inputs?: readonly number[];
  output?: boolean;
}

/** Runs a primitive and, if any input requires grad, records its backward node. */
export function apply<Attrs>(primitive: Primitive<Attrs>, inputs: readonly Tensor[], attrs: Attrs): Tensor {
  const output = primitive.forward(inputs, attrs);
  if (isGradEnabled() && anyRequiresGrad(inputs)) {
    const saved = { inputs, output, attrs };
    const kinks = primitive.kinks;
    recordNode(
      primitive.gradFn,
      inputs,
      output,
      (gradOutput) => primitive.backward(gradOutput, saved),
      kinks ? () => kinks(saved) : null,
      savedTensors(primitive.saves, inputs, output),
    );
  }
  return output;
}

const NOTHING_SAVED: SavedTensors = { tensors: [], output: false };

/** The tensors a node saves, the output (if saved) last. */
function savedTensors(saves: Primitive<never>['saves'], inputs: readonly Tensor[], output: Tensor): SavedTensors {
  if (saves === 'nothing') return NOTHING_SAVED;
  if (saves === 'output') return { tensors: [output], output: true };
  const spec = typeof saves === 'function' ? saves(inputs) : saves;
  if (spec === undefined) return { tensors: inputs, output: false };
  const tensors: Tensor[] = [];
  for (const i of spec.inputs ?? []) tensors.push(inputs[i]);
  if (spec.output) tensors.push(output);
  return { tensors, output: spec.output === true };
}

/** A primitive with several outputs (split, unbind): one node, each output an edge of it (outputNr). */
export interface MultiPrimitive<Attrs = void> {
  gradFn: string;
  forward(inputs: readonly Tensor[], attrs: Attrs): Tensor[];
  /** One gradient per input from one gradient per output (null for an output no gradient reached). */
  backward(gradOutputs: readonly (Tensor | null)[], saved: { inputs: readonly Tensor[]; outputs: readonly Tensor[]; attrs: Attrs }): (Tensor | null)[];
  saves?: Primitive<Attrs>['saves'];
}

/** Runs a primitive of several outputs and, if any input requires grad, records its one node. */
export function applyMulti<Attrs>(primitive: MultiPrimitive<Attrs>, inputs: readonly Tensor[], attrs: Attrs): Tensor[] {
  const outputs = primitive.forward(inputs, attrs);
  if (isGradEnabled() && anyRequiresGrad(inputs) && outputs.length > 0) {
    const saved = { inputs, outputs, attrs };
    recordNode(primitive.gradFn, inputs, outputs[0], () => [], null, savedTensors(primitive.saves, inputs, outputs[0]));
    const node = outputs[0].gradFn as NonNullable<Tensor['gradFn']>;
    node.outputCount = outputs.length;
    node.multiBackward = (grads) => primitive.backward(grads, saved);
    outputs.forEach((output, i) => {
      output.requiresGrad = true;
      output.gradFn = node;
      output.outputNr = i;
    });
  }
  return outputs;
}

function anyRequiresGrad(inputs: readonly Tensor[]): boolean {
  for (let i = 0; i < inputs.length; i++) if (inputs[i].requiresGrad) return true;
  return false;
}

// ---- the public face of an op: its signature -------------------------------

/**
 * A Python number at the op boundary: int is `bigint`, float is `number`,
 * bool is `boolean`. (The old expression language passes ints as `number`;
 * 'int' parameters accept integral numbers for it.)
 */
export type Scalar = number | bigint | boolean;

/**
 * A named tuple result (torch.return_types.max, sort, topk, ...): indexable and
 * unpackable like a tuple, fields readable by name (`.values`, `.indices`).
 * Python prints it `torch.return_types.max(\nvalues=tensor(...),\nindices=tensor(...))`
 * (see `typeName`).
 */
export class NamedTuple {
  /** Python's qualified type name, e.g. `torch.return_types.max`. */
  readonly typeName: string;
  readonly fields: readonly string[];
  readonly values: readonly Value[];

  constructor(typeName: string, fields: readonly string[], values: readonly Value[]) {
    this.typeName = typeName;
    this.fields = fields;
    this.values = values;
  }

  /** The value of a field, undefined if there is none of that name. */
  get(field: string): Value | undefined {
    const i = this.fields.indexOf(field);
    return i < 0 ? undefined : this.values[i];
  }
}

/** torch.return_types.NAME(values, indices), the result of max/min/sort/topk/median/... with a dim. */
export function valuesAndIndices(name: string, values: Tensor, indices: Tensor): NamedTuple {
  return new NamedTuple(`torch.return_types.${name}`, ['values', 'indices'], [values, indices]);
}

/**
 * A value an op takes or returns. Python numbers stay numbers until an op
 * wraps them; None is null; str is string; a torch.dtype is a TorchDType; a
 * Python list or tuple is an array (an array an op returns is a Python tuple:
 * split, chunk, unbind, autograd.grad); named tuples are NamedTuple.
 */
export type Value = Tensor | Scalar | null | string | TorchDType | NamedTuple | readonly Value[];

export type ParamKind =
  | 'tensor' // a Tensor
  | 'tensor?' // a Tensor or None
  | 'number' // a Python int, float or bool, bound as a JS number
  | 'number?' // a number or None
  | 'scalar' // a Python int, float or bool, kept as bigint / number / boolean (its category matters)
  | 'scalar?' // a scalar or None
  | 'tensor|number' // a Tensor or a scalar (kept as bigint / number / boolean, for type promotion)
  | 'tensor|number?' // either, or None
  | 'int' // a whole number (dimension, size), bound as a JS number
  | 'int?' // a whole number or None
  | 'int|tuple' // a dim: an int (bound as a number) or a tuple/list of ints (bound as number[])
  | 'int|tuple?' // either, or None
  | 'ints' // a tuple/list of ints (a single int too), bound as number[]; variadic collects `x.permute(1, 0)`
  | 'ints?' // ints or None
  | 'bool'
  | 'bool?'
  | 'string' // a str, e.g. reduction='sum', an einsum equation
  | 'string?'
  | 'dtype' // a torch.dtype, bound as the TorchDType
  | 'dtype?'
  | 'tensors' // a tuple/list of Tensors (cat, stack), bound as Tensor[]
  | 'any'; // anything, unchecked (an index for __getitem__)

export interface Param {
  name: string;
  kind: ParamKind;
  /** Absent: required. */
  default?: Value;
  /** Collects the remaining positional ints, as `x.view(2, 3)` does (a single list is accepted too). */
  variadic?: boolean;
  /** Only as a keyword (Python's `*` in the signature). */
  keywordOnly?: boolean;
}

export interface OpDef {
  /** The name in expressions (`torch.NAME`, `x.NAME`) and in the graph form's `op`. */
  name: string;
  /** One line for /v1/ops. */
  summary: string;
  params: readonly Param[];
  /** Every grad_fn name this op can produce, for /v1/ops. */
  gradFns: readonly string[];
  /** Callable as a tensor method (`x.sum()`); the first parameter is the receiver. */
  method: boolean;
  /** Callable with `torch.NAME(...)`, `torch.nn.functional.NAME(...)` or bare `NAME(...)`. */
  function: boolean;
  /** Infix or prefix operator spellings that lower to this op (`+`, unary `-`). */
  operators?: readonly string[];
  /**
   * Where Python code finds the op under its name: `torch.NAME`, the tensor
   * method `x.NAME` (first parameter is the receiver), `torch.nn.functional.NAME`
   * (also `F.NAME`), `torch.linalg.NAME`, `torch.special.NAME`. Absent: derived
   * from `function` (torch, torch.nn.functional) and `method`.
   */
  modules?: readonly OpModule[];
  /**
   * The name Python code spells the op by in its `modules`, when it is not
   * `name`: two ops may share a spelling in different modules (torch.norm is
   * `norm`, torch.linalg.norm is the op `linalg_norm` spelled `norm` there).
   */
  pythonName?: string;
  call(args: Record<string, Value>): Value;
  /** Calls whose gradients the test suite checks against finite differences. */
  examples?: readonly GradExample[];
  /**
   * Writes its first argument in place (add_, zero_, __setitem__): finite
   * differences of leaf arguments do not apply (in-place on a leaf that requires
   * grad is an error); test/engine/inplace.test.ts checks their gradients.
   */
  mutates?: boolean;
  /**
   * The op differentiates a graph (grad, jacobian, hessian): its tensor
   * arguments are an output and a tensor it was computed from, so examples
   * with independent random arguments do not apply.
   */
  differentiates?: boolean;
  /**
   * The op has no gradient to check: its results never require grad (argmax,
   * comparisons) or PyTorch gives it no derivative (floor_divide). Says why.
   */
  noGradient?: string;
}

/** A Python module (or the tensor's methods) that spells an op by its name. */
export type OpModule = 'torch' | 'method' | 'torch.nn.functional' | 'torch.linalg' | 'torch.special';

/** A tensor argument of a gradient example: random float64 data of this shape. */
export interface ExampleTensor {
  tensor: readonly number[];
  /** Keep the data away from kinks and outside a domain: 'positive' draws from [0.5, 2]. */
  domain?: 'positive';
  /** Draw the data from [low, high] instead (an op's domain, e.g. [-0.9, 0.9] for asin). */
  range?: readonly [number, number];
  /**
   * A tensor that is not differentiated: a random bool mask ('bool'), or
   * int64 indices ('int64') with the given `values`.
   */
  dtype?: 'bool' | 'int64';
  values?: readonly number[];
}

export interface GradExample {
  /** A list of ExampleTensors is a list-of-tensors argument (cat, stack). */
  args: readonly (ExampleTensor | readonly ExampleTensor[] | number | string | readonly number[] | boolean | null)[];
  kwargs?: Readonly<Record<string, number | string | boolean | null | readonly number[]>>;
}

export function defineOp(def: OpDef): OpDef {
  return def;
}

/**
 * Binds positional and keyword arguments to an op's parameters, with
 * Python's and PyTorch's wording for mistakes (raised as Python TypeErrors),
 * and converts each to what its kind promises (see ParamKind).
 */
export function bindArguments(op: OpDef, positional: readonly Value[], keywords: Readonly<Record<string, Value>>): Record<string, Value> {
  // A plain object filled in the op's parameter order (one hidden class per op, not a
  // dictionary). No parameter is named after a property of Object.prototype, and no Value is
  // undefined: `bound[name] === undefined` means unbound.
  const params = op.params;
  const bound: Record<string, Value> = {};
  let index = 0;
  for (let p = 0; p < params.length; p++) {
    const param = params[p];
    if (param.variadic) {
      const rest = positional.slice(index);
      index = positional.length;
      if (rest.length === 1 && Array.isArray(rest[0])) bound[param.name] = rest[0];
      else if (rest.length > 0) bound[param.name] = rest;
      continue;
    }
    if (!param.keywordOnly && index < positional.length) {
      bound[param.name] = positional[index++];
    }
  }
  if (index < positional.length) {
    const accepted = params.filter((p) => !p.keywordOnly).length;
    throw typeError(`${op.name}() takes ${accepted} positional argument${accepted === 1 ? '' : 's'} but ${positional.length} were given`);
  }
  if (keywords !== NO_KEYWORDS) {
    for (const key of Object.keys(keywords)) {
      const param = params.find((p) => p.name === key);
      if (!param) throw typeError(`${op.name}() got an unexpected keyword argument '${key}'`);
      if (bound[key] !== undefined) throw typeError(`${op.name}() got multiple values for argument '${key}'`);
      bound[key] = keywords[key];
    }
  }
  for (let p = 0; p < params.length; p++) {
    const param = params[p];
    const value = bound[param.name];
    if (value === undefined) {
      if (param.default === undefined) {
        throw typeError(`${op.name}() missing required argument '${param.name}'`);
      }
      bound[param.name] = checkKind(op, param, param.default);
    } else {
      bound[param.name] = checkKind(op, param, value);
    }
  }
  return bound;
}

/** The keywords of a call that has none (bindArguments skips them without a look). */
export const NO_KEYWORDS: Readonly<Record<string, Value>> = Object.freeze(Object.create(null));

function typeError(message: string): ProblemError {
  return new ProblemError('invalid-argument', message, { pythonType: 'TypeError' });
}

/** Python's type name of a value, as TypeError messages show it. */
export function pythonTypeName(value: Value): string {
  if (value === null) return 'NoneType';
  switch (typeof value) {
    case 'boolean':
      return 'bool';
    case 'bigint':
      return 'int';
    // The old expression language passes ints as numbers.
    case 'number':
      return Number.isInteger(value) ? 'int' : 'float';
    case 'string':
      return 'str';
  }
  if (Array.isArray(value)) return 'tuple';
  if (value instanceof TorchDType) return 'torch.dtype';
  if (value instanceof NamedTuple) return value.typeName;
  return 'Tensor';
}

function kindError(op: OpDef, param: Param, expected: string, value: Value): ProblemError {
  const position = op.params.indexOf(param) + 1;
  return typeError(`${op.name}(): argument '${param.name}' (position ${position}) must be ${expected}, not ${pythonTypeName(value)}`);
}

export function isTensor(value: Value | undefined): value is Tensor {
  return value instanceof Tensor;
}

export function isScalar(value: Value | undefined): value is Scalar {
  const type = typeof value;
  return type === 'number' || type === 'bigint' || type === 'boolean';
}

/** A whole number as a JS number: a bigint, or an integral number (the old expression language). */
function intValue(value: Value): number | null {
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  return null;
}

function asInt(op: OpDef, param: Param, value: Value): number {
  const n = intValue(value);
  if (n === null) throw kindError(op, param, 'int', value);
  return n;
}

/** A tuple/list of ints (or one int) as number[], with torch's message for a bad element. */
function asInts(op: OpDef, param: Param, value: Value): number[] {
  const single = intValue(value);
  if (single !== null) return [single];
  if (!Array.isArray(value)) throw kindError(op, param, 'tuple of ints', value);
  return value.map((item: Value, i: number) => {
    const n = intValue(item);
    if (n === null) {
      throw typeError(
        `${op.name}(): argument '${param.name}' (position ${op.params.indexOf(param) + 1}) must be tuple of ints, but found element of type ${pythonTypeName(item)} at pos ${i}`,
      );
    }
    return n;
  });
}

function asNumber(op: OpDef, param: Param, value: Value): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'boolean') return value ? 1 : 0;
  throw kindError(op, param, 'Number', value);
}

/** Each kind and its non-optional form. */
const BASE_KIND: Readonly<Record<ParamKind, ParamKind>> = {
  tensor: 'tensor',
  'tensor?': 'tensor',
  number: 'number',
  'number?': 'number',
  scalar: 'scalar',
  'scalar?': 'scalar',
  'tensor|number': 'tensor|number',
  'tensor|number?': 'tensor|number',
  int: 'int',
  'int?': 'int',
  'int|tuple': 'int|tuple',
  'int|tuple?': 'int|tuple',
  ints: 'ints',
  'ints?': 'ints',
  bool: 'bool',
  'bool?': 'bool',
  string: 'string',
  'string?': 'string',
  dtype: 'dtype',
  'dtype?': 'dtype',
  tensors: 'tensors',
  any: 'any',
};
const OPTIONAL_KINDS: ReadonlySet<ParamKind> = new Set((Object.keys(BASE_KIND) as ParamKind[]).filter((kind) => kind.endsWith('?')));

function checkKind(op: OpDef, param: Param, value: Value): Value {
  const kind = param.kind;
  if (value === null && OPTIONAL_KINDS.has(kind)) return null;
  // the kind without its `?` (a table lookup: the op table's kinds are interned strings, a slice is not)
  switch (BASE_KIND[kind]) {
    case 'tensor':
      if (!isTensor(value)) throw kindError(op, param, 'Tensor', value);
      return value;
    case 'number':
      return asNumber(op, param, value);
    case 'scalar':
      if (!isScalar(value)) throw kindError(op, param, 'Number', value);
      return value;
    case 'tensor|number':
      if (!isTensor(value) && !isScalar(value)) throw kindError(op, param, 'Tensor', value);
      return value;
    case 'int':
      if (param.variadic) return asInts(op, param, value);
      return asInt(op, param, value);
    case 'int|tuple':
      return Array.isArray(value) ? asInts(op, param, value) : asInt(op, param, value);
    case 'ints':
      return asInts(op, param, value);
    case 'bool':
      if (typeof value !== 'boolean') throw kindError(op, param, 'bool', value);
      return value;
    case 'string':
      if (typeof value !== 'string') throw kindError(op, param, 'str', value);
      return value;
    case 'dtype':
      if (!(value instanceof TorchDType)) throw kindError(op, param, 'torch.dtype', value);
      return value;
    case 'tensors': {
      if (!Array.isArray(value)) throw kindError(op, param, 'tuple of Tensors', value);
      const tensors = value as readonly Value[];
      tensors.forEach((item, i) => {
        if (!isTensor(item)) {
          throw typeError(`expected Tensor as element ${i} in argument ${op.params.indexOf(param)}, but got ${pythonTypeName(item)}`);
        }
      });
      return tensors;
    }
    case 'any':
      return value;
    default:
      throw new Error(`unknown parameter kind ${kind}`);
  }
}
