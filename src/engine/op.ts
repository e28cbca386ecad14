import { ProblemError } from '../errors.js';
import { isGradEnabled, type KinkHit, recordNode } from './autograd.js';
import type { Tensor } from './tensor.js';

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
    );
  }
  return output;
}

function anyRequiresGrad(inputs: readonly Tensor[]): boolean {
  for (let i = 0; i < inputs.length; i++) if (inputs[i].requiresGrad) return true;
  return false;
}

// ---- the public face of an op: its signature -------------------------------

/** A value an op takes or returns. Python numbers stay numbers until an op wraps them. */
export type Value = Tensor | number | boolean | null | readonly number[];

export type ParamKind =
  | 'tensor' // a Tensor
  | 'tensor?' // a Tensor or None
  | 'number' // a Python number
  | 'tensor|number' // either
  | 'int' // a whole number (dimension, size)
  | 'int?' // a whole number or None
  | 'number?' // a number or None
  | 'bool';

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
  call(args: Record<string, Value>): Value;
  /** Calls whose gradients the test suite checks against finite differences. */
  examples?: readonly GradExample[];
  /**
   * The op differentiates a graph (grad, jacobian, hessian): its tensor
   * arguments are an output and a tensor it was computed from, so examples
   * with independent random arguments do not apply.
   */
  differentiates?: boolean;
}

/** A tensor argument of a gradient example: random float64 data of this shape. */
export interface ExampleTensor {
  tensor: readonly number[];
  /** Keep the data away from kinks and outside a domain: 'positive' draws from [0.5, 2]. */
  domain?: 'positive';
}

export interface GradExample {
  args: readonly (ExampleTensor | number | readonly number[] | boolean | null)[];
  kwargs?: Readonly<Record<string, number | boolean | null | readonly number[]>>;
}

export function defineOp(def: OpDef): OpDef {
  return def;
}

/**
 * Binds positional and keyword arguments to an op's parameters, with
 * Python's and PyTorch's wording for mistakes.
 */
export function bindArguments(op: OpDef, positional: readonly Value[], keywords: Readonly<Record<string, Value>>): Record<string, Value> {
  const bound: Record<string, Value> = Object.create(null);
  let index = 0;
  for (const param of op.params) {
    if (param.variadic) {
      const rest = positional.slice(index);
      index = positional.length;
      if (rest.length === 1 && Array.isArray(rest[0])) bound[param.name] = rest[0];
      else if (rest.length > 0) bound[param.name] = rest.map((v) => asInt(op, param, v));
      continue;
    }
    if (!param.keywordOnly && index < positional.length) {
      bound[param.name] = positional[index++];
    }
  }
  if (index < positional.length) {
    const accepted = op.params.filter((p) => !p.keywordOnly).length;
    throw new ProblemError('invalid-argument', `${op.name}() takes ${accepted} positional argument${accepted === 1 ? '' : 's'} but ${positional.length} were given`);
  }
  for (const [key, value] of Object.entries(keywords)) {
    const param = op.params.find((p) => p.name === key);
    if (!param) throw new ProblemError('invalid-argument', `${op.name}() got an unexpected keyword argument '${key}'`);
    if (key in bound) throw new ProblemError('invalid-argument', `${op.name}() got multiple values for argument '${key}'`);
    bound[key] = value;
  }
  for (const param of op.params) {
    if (!(param.name in bound)) {
      if (param.default === undefined) {
        throw new ProblemError('invalid-argument', `${op.name}() missing required argument '${param.name}'`);
      }
      bound[param.name] = param.default;
    }
    bound[param.name] = checkKind(op, param, bound[param.name]);
  }
  return bound;
}

function describe(value: Value): string {
  if (value === null) return 'NoneType';
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'number') return Number.isInteger(value) ? 'int' : 'float';
  if (Array.isArray(value)) return 'tuple';
  return 'Tensor';
}

function kindError(op: OpDef, param: Param, expected: string, value: Value): ProblemError {
  const position = op.params.indexOf(param) + 1;
  return new ProblemError(
    'invalid-argument',
    `${op.name}(): argument '${param.name}' (position ${position}) must be ${expected}, not ${describe(value)}`,
  );
}

function asInt(op: OpDef, param: Param, value: Value): number {
  if (typeof value !== 'number' || !Number.isInteger(value)) throw kindError(op, param, 'int', value);
  return value;
}

function checkKind(op: OpDef, param: Param, value: Value): Value {
  const isTensor = typeof value === 'object' && value !== null && !Array.isArray(value);
  switch (param.kind) {
    case 'tensor':
      if (!isTensor) throw kindError(op, param, 'Tensor', value);
      return value;
    case 'tensor?':
      if (value !== null && !isTensor) throw kindError(op, param, 'Tensor', value);
      return value;
    case 'number':
      if (typeof value !== 'number') throw kindError(op, param, 'Number', value);
      return value;
    case 'tensor|number':
      if (!isTensor && typeof value !== 'number') throw kindError(op, param, 'Tensor or Number', value);
      return value;
    case 'int':
      if (param.variadic) {
        if (!Array.isArray(value)) throw kindError(op, param, 'tuple of ints', value);
        return value.map((v) => asInt(op, param, v));
      }
      return asInt(op, param, value);
    case 'int?':
      return value === null ? null : asInt(op, param, value);
    case 'number?':
      if (value !== null && typeof value !== 'number') throw kindError(op, param, 'Number', value);
      return value;
    case 'bool':
      if (typeof value !== 'boolean') throw kindError(op, param, 'bool', value);
      return value;
  }
}
