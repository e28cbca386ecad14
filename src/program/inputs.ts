import type { TensorInput } from '../../schemas/tensor.js';
import { shapeOfNested } from '../../schemas/tensor.js';
import { allocate, type DType } from '../engine/dtype.js';
import { arange, linspace } from '../engine/kernels/linspace.js';
import { ProblemError } from '../errors.js';
import type { Limits } from '../../schemas/limits.js';
import type { EvaluateRequest } from '../../schemas/program.js';
import { numelOf, Tensor } from '../engine/tensor.js';
import { decodeBase64 } from './encode.js';
import { flattenInto, fromWireNumber } from './wire.js';

/** Elements an input will have, computed from the request alone (before allocating). */
export function inputElements(input: TensorInput): number {
  if (typeof input !== 'object' || Array.isArray(input)) return countNested(input);
  if (input.data !== undefined) return countNested(input.data);
  if (input.linspace) return input.linspace.steps;
  if (input.arange) return arangeLength(input.arange.start, input.arange.end, input.arange.step);
  if (input.zeros) return numelOf(input.zeros);
  if (input.ones) return numelOf(input.ones);
  if (input.full) return numelOf(input.full.shape);
  if (input.base64 !== undefined && input.shape) return numelOf(input.shape);
  return 0;
}

function countNested(data: Parameters<typeof shapeOfNested>[0]): number {
  const result = shapeOfNested(data);
  return 'shape' in result ? numelOf(result.shape) : 0;
}

function arangeLength(start: number, end: number, step: number): number {
  return Math.max(0, Math.ceil((end - start) / step));
}

/** Builds the tensor a request describes; the schema has already checked its shape and limits. */
export function buildInput(name: string, input: TensorInput): Tensor {
  const spec = typeof input === 'object' && !Array.isArray(input) ? input : { data: input, dtype: 'float32' as const, requires_grad: true };
  const dtype = spec.dtype;
  const tensor = tensorFromSpec(spec, dtype);
  if (spec.requires_grad) tensor.requiresGrad = true;
  tensor.name = name;
  return tensor;
}

type Spec = Exclude<TensorInput, number | string | unknown[]>;

function tensorFromSpec(spec: Partial<Spec> & { dtype: DType }, dtype: DType): Tensor {
  if (spec.data !== undefined) return fromNested(spec.data, dtype);
  if (spec.linspace) return linspace(spec.linspace.start, spec.linspace.end, spec.linspace.steps, dtype);
  if (spec.arange) return arange(spec.arange.start, spec.arange.end, spec.arange.step, dtype);
  if (spec.zeros) return filled(spec.zeros, dtype, 0);
  if (spec.ones) return filled(spec.ones, dtype, 1);
  if (spec.full) return filled(spec.full.shape, dtype, fromWireNumber(spec.full.value));
  if (spec.base64 !== undefined && spec.shape) return decodeBase64(spec.base64, spec.shape, dtype);
  throw new ProblemError('invalid-request', 'an input gives no data');
}

function filled(shape: readonly number[], dtype: DType, value: number): Tensor {
  const data = allocate(dtype, numelOf(shape));
  data.fill(value);
  return new Tensor(data, shape.slice());
}

/** A tensor from rectangular nested numbers. */
export function fromNested(data: Parameters<typeof shapeOfNested>[0], dtype: DType): Tensor {
  const result = shapeOfNested(data);
  if ('ragged' in result) throw new ProblemError('invalid-request', 'ragged nested sequence: every row must have the same length');
  const storage = allocate(dtype, numelOf(result.shape));
  flattenInto(data, storage);
  return new Tensor(storage, result.shape);
}

/** Every input of a request, counted against the total limit before any is allocated. */
export function buildInputs(specs: EvaluateRequest['inputs'], limits: Limits): Map<string, Tensor> {
  const entries = Object.entries(specs);
  // Count everything first: nothing is allocated for a request over the limit.
  const total = entries.reduce((n, [, spec]) => n + inputElements(spec), 0);
  if (total > limits.maxTotalElements) {
    throw new ProblemError('limit-exceeded', `the inputs have ${total} elements in all, more than ${limits.maxTotalElements}`, {
      limit: { name: 'maxTotalElements', value: limits.maxTotalElements },
    });
  }
  return new Map(entries.map(([name, spec]) => [name, buildInput(name, spec)]));
}
