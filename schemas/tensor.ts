import { z } from 'zod';
import { MAX_RANK, RANK_LIMIT_MESSAGE } from './depth.js';
// zod's messages that teach (unknown keys suggest the nearest): installed before any schema is used.
import './messages.js';
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

/** The dtypes an input (and an answer's binary values) may have: the one list every message names. */
export const INPUT_DTYPES = ['float32', 'float64'] as const;

export const DTypeSchema = z
  .enum(INPUT_DTYPES, { error: (issue) => `dtype must be one of ${INPUT_DTYPES.join(', ')} (got ${JSON.stringify(issue.input)})` })
  .meta({ id: 'DType' });

/** The shape of rectangular nested data, or the JSON pointer of the first place it is ragged. */
export function shapeOfNested(data: NestedNumbers): { shape: number[] } | { ragged: string } {
  const shape: number[] = [];
  let probe: NestedNumbers = data;
  while (Array.isArray(probe)) {
    shape.push(probe.length);
    if (probe.length === 0) break;
    probe = probe[0];
  }
  // Walk level by level (no recursion) checking every array has the expected length;
  // positions are only spelled out as a JSON pointer once something is ragged.
  let level: NestedNumbers[] = [data];
  for (let depth = 0; depth <= shape.length; depth++) {
    const expectArray = depth < shape.length;
    const lastLevel = depth === shape.length - 1;
    const next: NestedNumbers[] = [];
    for (let i = 0; i < level.length; i++) {
      const value = level[i];
      if (Array.isArray(value) !== expectArray || (expectArray && (value as NestedNumbers[]).length !== shape[depth])) {
        return { ragged: pointerOf(i, shape.slice(0, depth)) };
      }
      if (lastLevel) {
        // the innermost arrays must hold numbers only
        const row = value as NestedNumbers[];
        for (let k = 0; k < row.length; k++) {
          if (Array.isArray(row[k])) return { ragged: pointerOf(i, shape.slice(0, depth)) + `/${k}` };
        }
      } else if (expectArray) {
        for (const v of value as NestedNumbers[]) next.push(v);
      }
    }
    level = next;
  }
  return { shape };
}

/** The JSON pointer of the `index`-th array (row-major) at the level under `outer` dimensions. */
function pointerOf(index: number, outer: readonly number[]): string {
  const parts: number[] = [];
  let rest = index;
  for (let d = outer.length - 1; d >= 0; d--) {
    parts.unshift(rest % outer[d]);
    rest = Math.floor(rest / outer[d]);
  }
  return parts.map((p) => `/${p}`).join('');
}

const Shape = z.array(z.number().int().nonnegative()).max(MAX_RANK, RANK_LIMIT_MESSAGE);

/** Bytes per element of each dtype on the binary transport. */
export const DTYPE_BYTES = { float32: 4, float64: 8 } as const;

/** Characters of padded standard base64 for `bytes` bytes. */
export function base64Length(bytes: number): number {
  return 4 * Math.ceil(bytes / 3);
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** A tensor's values as little-endian binary, base64-encoded (standard alphabet, padded): the binary transport. */
export const Base64Tensor = z
  .strictObject({ dtype: DTypeSchema, shape: Shape, base64: z.string() })
  .meta({
    id: 'Base64Tensor',
    description: 'Row-major values as little-endian float32 (4 bytes) or float64 (8 bytes), base64-encoded with padding.',
    examples: [{ dtype: 'float32', shape: [3], base64: 'AACAPwAAAEAAAEBA' }],
  });
export type Base64Tensor = z.infer<typeof Base64Tensor>;

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
      base64: z.string().optional().describe('The values as little-endian binary of the dtype, base64-encoded; needs shape.'),
      shape: Shape.optional().describe('The shape of base64 data (only with base64).'),
      dtype: DTypeSchema.default('float32'),
      requires_grad: z.boolean().default(true),
    })
    .superRefine((t, ctx) => {
      const sources = (['data', 'linspace', 'arange', 'zeros', 'ones', 'full', 'base64'] as const).filter((k) => t[k] !== undefined);
      if (sources.length !== 1) {
        ctx.addIssue({
          code: 'custom',
          message: `give exactly one of data, linspace, arange, zeros, ones, full, base64 (got ${sources.length === 0 ? 'none' : sources.join(', ')})`,
        });
      }
      if (t.data !== undefined) checkNested(t.data, ctx, ['data'], maxElements);
      if (t.base64 !== undefined || t.shape !== undefined) checkBase64(t, ctx, maxElements);
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

/** base64 needs a shape within the limit and exactly the characters that shape takes: checked before anything is decoded. */
function checkBase64(t: { base64?: string; shape?: number[]; dtype: 'float32' | 'float64' }, ctx: z.RefinementCtx, maxElements: number): void {
  if (t.base64 === undefined || t.shape === undefined) {
    ctx.addIssue({ code: 'custom', message: 'base64 and shape go together', path: [t.shape === undefined ? 'shape' : 'base64'] });
    return;
  }
  const elements = product(t.shape);
  if (elements > maxElements) {
    ctx.addIssue({ code: 'custom', message: `more than ${maxElements} elements (limit maxElementsPerInput)`, path: ['shape'] });
    return;
  }
  const expected = base64Length(elements * DTYPE_BYTES[t.dtype]);
  if (t.base64.length !== expected) {
    ctx.addIssue({
      code: 'custom',
      message: `shape [${t.shape.join(', ')}] of ${t.dtype} takes ${expected} base64 characters, got ${t.base64.length}`,
      path: ['base64'],
    });
  } else if (!BASE64.test(t.base64)) {
    ctx.addIssue({ code: 'custom', message: 'not base64 (standard alphabet A-Z a-z 0-9 + /, = padding)', path: ['base64'] });
  }
}

function checkNested(data: NestedNumbers, ctx: z.RefinementCtx, path: (string | number)[], maxElements: number): void {
  const result = shapeOfNested(data);
  if ('ragged' in result) {
    ctx.addIssue({
      code: 'custom',
      message: 'ragged nested sequence: every row must have the same length',
      path: [...path, ...result.ragged.split('/').filter(Boolean).map(Number)],
    });
  } else if (result.shape.length > MAX_RANK) {
    ctx.addIssue({ code: 'custom', message: RANK_LIMIT_MESSAGE, path });
  } else if (product(result.shape) > maxElements) {
    ctx.addIssue({ code: 'custom', message: `more than ${maxElements} elements (limit maxElementsPerInput)`, path });
  }
}

export type TensorInput = z.infer<ReturnType<typeof tensorInputSchema>>;

/** One tensor of an answer, every field present (what evaluateComplete gives in-process callers). */
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

/** The fields of a tensor's answer, in the order they are written; a request's `fields` picks among them. */
export const TENSOR_FIELDS = ['data', 'shape', 'dtype', 'requires_grad', 'is_leaf', 'grad_fn', 'grad', 'repr'] as const;
export type TensorField = (typeof TENSOR_FIELDS)[number];

/** Values as nested arrays (encoding "json", the default) or binary (encoding "base64"). */
const TensorValues = z.union([NestedNumbers, Base64Tensor]);

/** One tensor of an answer on the wire: every field unless the request's `fields` trims it; values as asked by `encoding`. */
export const TensorEntry = z
  .object({
    data: TensorValues.optional(),
    shape: z.array(z.number().int()).optional(),
    dtype: DTypeSchema.optional(),
    requires_grad: z.boolean().optional(),
    is_leaf: z.boolean().optional(),
    grad_fn: z.string().nullable().optional(),
    grad: TensorValues.nullable().optional(),
    repr: z.string().optional(),
  })
  .meta({
    id: 'TensorEntry',
    description:
      'A tensor as PyTorch reports it: values, metadata, gradient and repr. Every field is present unless the request gives `fields`; data and grad are nested arrays, or Base64Tensor objects with "encoding": "base64".',
  });

export type TensorEntry = z.infer<typeof TensorEntry>;
