import { z } from 'zod';
import type { Limits } from './limits.js';

/** A number on the wire: JSON numbers, plus the strings that carry non-finite values. */
export const WireNumber = z
  .union([z.number(), z.enum(['NaN', 'Infinity', '-Infinity'])])
  .meta({ id: 'WireNumber', description: 'A number; non-finite values travel as "NaN", "Infinity", "-Infinity".' });

export type NestedNumbers = z.infer<typeof WireNumber> | NestedNumbers[];

/** A scalar or a nested array of numbers, rectangular, in a tensor's shape. */
export const NestedNumbers: z.ZodType<NestedNumbers> = z
  .union([WireNumber, z.array(z.lazy(() => NestedNumbers))])
  .meta({ id: 'NestedNumbers', description: 'A number or a (rectangular) nested array of numbers.' });

export const DTypeSchema = z.enum(['float32', 'float64']).meta({ id: 'DType' });

/** The shape of rectangular nested data, or the JSON pointer of the first place it is ragged. */
export function shapeOfNested(data: NestedNumbers): { shape: number[] } | { ragged: string } {
  const shape: number[] = [];
  let probe: NestedNumbers = data;
  while (Array.isArray(probe)) {
    shape.push(probe.length);
    if (probe.length === 0) break;
    probe = probe[0];
  }
  // Walk level by level (no recursion) checking every array has the expected length.
  let level: { value: NestedNumbers; path: string }[] = [{ value: data, path: '' }];
  for (let depth = 0; depth <= shape.length; depth++) {
    const next: { value: NestedNumbers; path: string }[] = [];
    for (const { value, path } of level) {
      const expectArray = depth < shape.length;
      if (Array.isArray(value) !== expectArray || (expectArray && (value as NestedNumbers[]).length !== shape[depth])) {
        return { ragged: path };
      }
      if (expectArray) (value as NestedNumbers[]).forEach((v, i) => next.push({ value: v, path: `${path}/${i}` }));
    }
    level = next;
  }
  return { shape };
}

const Shape = z.array(z.number().int().nonnegative()).max(8);

function product(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** The ways to give an input tensor; exactly one source per object. */
export function tensorInputSchema(limits: Limits) {
  const maxElements = limits.maxElementsPerInput;
  const tooMany = (n: number) => n > maxElements;
  const elementsMessage = `more than ${maxElements} elements (limit maxElementsPerInput)`;
  const TensorObject = z
    .strictObject({
      data: NestedNumbers.optional(),
      linspace: z
        .strictObject({ start: z.number(), end: z.number(), steps: z.number().int().nonnegative().max(maxElements, elementsMessage) })
        .optional(),
      arange: z
        .strictObject({ start: z.number().default(0), end: z.number(), step: z.number().default(1) })
        .refine((a) => a.step !== 0, 'step must be nonzero')
        .refine((a) => !tooMany(Math.ceil((a.end - a.start) / a.step)), elementsMessage)
        .optional(),
      zeros: Shape.refine((s) => !tooMany(product(s)), elementsMessage).optional(),
      ones: Shape.refine((s) => !tooMany(product(s)), elementsMessage).optional(),
      full: z.strictObject({ shape: Shape.refine((s) => !tooMany(product(s)), elementsMessage), value: WireNumber }).optional(),
      dtype: DTypeSchema.default('float32'),
      requires_grad: z.boolean().default(true),
    })
    .superRefine((t, ctx) => {
      const sources = (['data', 'linspace', 'arange', 'zeros', 'ones', 'full'] as const).filter((k) => t[k] !== undefined);
      if (sources.length !== 1) {
        ctx.addIssue({
          code: 'custom',
          message: `give exactly one of data, linspace, arange, zeros, ones, full (got ${sources.length === 0 ? 'none' : sources.join(', ')})`,
        });
      }
      if (t.data !== undefined) checkNested(t.data, ctx, ['data'], maxElements);
    });
  return z
    .union([NestedNumbers, TensorObject])
    .superRefine((value, ctx) => {
      if (typeof value !== 'object' || !Array.isArray(value)) return;
      checkNested(value, ctx, [], maxElements);
    })
    .meta({
      id: 'TensorInput',
      description:
        'A bare number or nested array (float32, requires_grad=True), or an object with exactly one of data, linspace, arange, zeros, ones, full, plus dtype and requires_grad.',
    });
}

function checkNested(data: NestedNumbers, ctx: z.RefinementCtx, path: (string | number)[], maxElements: number): void {
  const result = shapeOfNested(data);
  if ('ragged' in result) {
    ctx.addIssue({
      code: 'custom',
      message: 'ragged nested sequence: every row must have the same length',
      path: [...path, ...result.ragged.split('/').filter(Boolean).map(Number)],
    });
  } else if (product(result.shape) > maxElements) {
    ctx.addIssue({ code: 'custom', message: `more than ${maxElements} elements (limit maxElementsPerInput)`, path });
  }
}

export type TensorInput = z.infer<ReturnType<typeof tensorInputSchema>>;

/** One tensor of an answer. */
export const TensorAnswer = z
  .object({
    data: NestedNumbers,
    shape: z.array(z.number().int()),
    dtype: DTypeSchema,
    requires_grad: z.boolean(),
    is_leaf: z.boolean(),
    grad_fn: z.string().nullable(),
    grad: NestedNumbers.nullable(),
    repr: z.string(),
  })
  .meta({ id: 'TensorAnswer', description: 'A tensor as PyTorch reports it: values, metadata, gradient and repr.' });

export type TensorAnswer = z.infer<typeof TensorAnswer>;
