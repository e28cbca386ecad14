import { z } from 'zod';
import { OP_NAMES } from '../src/engine/ops/index.js';
import { Diagnostics } from './diagnostics.js';
import type { Limits } from './limits.js';
import { NestedNumbers, TENSOR_FIELDS, TensorAnswer, TensorEntry, tensorInputSchema } from './tensor.js';

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** Names that would reach Object.prototype if ever used as plain keys. */
const RESERVED = new Set(['__proto__', 'constructor', 'prototype']);

const Identifier = z
  .string()
  .max(64)
  .regex(IDENTIFIER, 'must be an identifier (letters, digits, _; not starting with a digit)')
  .refine((s) => !RESERVED.has(s), 'this name is reserved');

const GraphArg = z.union([z.string().max(64), z.number(), z.boolean(), z.null(), z.array(z.number()).max(8)]);

const schemasByLimits = new WeakMap<Limits, ReturnType<typeof buildProgramSchemas>>();

/**
 * One set of schemas per limits object, shared by every route that takes a
 * program (evaluate, plot, gradcheck): the OpenAPI document refuses two
 * different schemas under one id.
 */
export function programSchemas(limits: Limits) {
  let schemas = schemasByLimits.get(limits);
  if (schemas === undefined) {
    schemas = buildProgramSchemas(limits);
    schemasByLimits.set(limits, schemas);
  }
  return schemas;
}

function buildProgramSchemas(limits: Limits) {
  const TensorInput = tensorInputSchema(limits);

  const GraphNode = z
    .strictObject({
      id: Identifier.describe('The name of this node; later nodes refer to it.'),
      op: z.string().max(64).describe(`An op of GET /v1/ops (${OP_NAMES.join(', ')}) or a custom function.`),
      args: z.array(GraphArg).max(16).default([]),
      kwargs: z.record(Identifier, GraphArg).default({}),
    })
    .meta({ id: 'GraphNode', description: 'One node of the graph form: a string argument names an input or an earlier node; a number is a Python number.' });

  const CustomFunction = z
    .strictObject({
      params: z.array(Identifier).min(1).max(8),
      forward: z.string().min(1).max(limits.maxExprLength),
      backward: z.array(z.string().min(1).max(limits.maxExprLength)).min(1).max(8),
    })
    .refine((f) => f.backward.length === f.params.length, { message: 'backward must give one expression per param', path: ['backward'] })
    .meta({
      id: 'CustomFunction',
      description: 'A custom autograd function: forward is an expression of the params; backward gives one expression per param, seeing the params and grad_output. Both run exactly as written.',
    });

  const BackwardOptions = z
    .union([
      z.boolean(),
      z.strictObject({
        of: Identifier.optional().describe('The statement to call backward() on (default: the result).'),
        gradient: NestedNumbers.nullable().default(null).describe('The gradient of a non-scalar root.'),
        retain_grad: z.array(Identifier).max(limits.maxStatements).default([]).describe('Non-leaf tensors whose .grad to keep.'),
        create_graph: z
          .boolean()
          .optional()
          .describe('backward(create_graph=True): the gradients are recorded, so each .grad has a grad_fn and can be differentiated again.'),
      }),
    ])
    .default(true)
    .meta({ id: 'BackwardOptions', description: 'true: result.backward(); false: no backward; or an object with of, gradient, retain_grad, create_graph.' });

  const EvaluateRequest = z
    .strictObject({
      inputs: z
        .record(Identifier, TensorInput)
        .default({})
        .refine((inputs) => Object.keys(inputs).length <= limits.maxInputs, `at most ${limits.maxInputs} inputs (limit maxInputs)`),
      expr: z.string().max(limits.maxExprLength, `longer than ${limits.maxExprLength} characters (limit maxExprLength)`).optional(),
      graph: z.array(GraphNode).min(1).max(limits.maxStatements, `more than ${limits.maxStatements} nodes (limit maxStatements)`).optional(),
      functions: z
        .record(
          Identifier.refine((name) => !OP_NAMES.includes(name), 'a custom function may not take the name of a built-in op'),
          CustomFunction,
        )
        .optional()
        .refine((f) => f === undefined || Object.keys(f).length <= limits.maxFunctions, `at most ${limits.maxFunctions} functions (limit maxFunctions)`),
      backward: BackwardOptions,
      outputs: z
        .array(Identifier)
        .max(limits.maxInputs + limits.maxStatements)
        .optional()
        .describe('The tensors to answer with, by name (default: every input and named statement).'),
      fields: z
        .array(z.enum(TENSOR_FIELDS))
        .optional()
        .describe('The fields of each tensor entry to answer with (default: all).'),
      encoding: z
        .enum(['json', 'base64'])
        .optional()
        .describe('How data and grad travel in the answer: nested JSON arrays ("json", the default), or Base64Tensor objects (little-endian binary).'),
      diagnostics: z
        .boolean()
        .optional()
        .describe("Answer with diagnostics: where values or gradients first become NaN or infinite (in PyTorch's anomaly-mode words) and the kinks the backward pass met."),
    })
    .superRefine((body, ctx) => {
      if ((body.expr === undefined) === (body.graph === undefined)) {
        ctx.addIssue({ code: 'custom', message: 'give exactly one of expr or graph', path: [] });
      }
    })
    .meta({
      id: 'EvaluateRequest',
      description: 'One autograd program: named input tensors, the program as an expression or a graph, optional custom functions and backward options.',
      examples: [
        { inputs: { x: 2 }, expr: 'y = x ** 2' },
        {
          inputs: { x: { linspace: { start: -10, end: 10, steps: 10 } } },
          expr: 'Y = x ** 2\ny = torch.sum(Y)',
          backward: { of: 'y', retain_grad: ['Y'] },
        },
        {
          inputs: { x: { dtype: 'float32', shape: [3], base64: 'AACAPwAAAEAAAEBA' } },
          expr: 'y = (x ** 2).sum()',
          outputs: ['x', 'y'],
          fields: ['data', 'grad'],
          encoding: 'base64',
        },
      ],
    });

  return { TensorInput, GraphNode, CustomFunction, BackwardOptions, EvaluateRequest };
}

type Schemas = ReturnType<typeof programSchemas>;
export type EvaluateRequest = z.infer<Schemas['EvaluateRequest']>;
export type GraphNodeInput = z.infer<Schemas['GraphNode']>;
export type BackwardOptionsInput = z.infer<Schemas['BackwardOptions']>;

export const TraceNode = z
  .object({
    id: z.number().int(),
    name: z.string(),
    next: z.array(z.tuple([z.number().int().nullable(), z.number().int()])).optional(),
    variable: z.string().nullable().optional(),
  })
  .meta({ id: 'TraceNode', description: "A backward node: PyTorch's name and next_functions as [node id or null, output_nr]." });

export const Trace = z
  .object({ root: z.number().int(), nodes: z.array(TraceNode) })
  .nullable()
  .meta({ id: 'Trace', description: "The backward graph from the result's grad_fn; null when the result has none." });

export const EvaluateAnswer = z
  .object({
    result: z.string(),
    tensors: z.record(z.string(), TensorEntry),
    trace: Trace,
    diagnostics: Diagnostics.optional().describe('Only with diagnostics: true.'),
  })
  .meta({
    id: 'EvaluateAnswer',
    description: 'Every input and every named statement (or those named in outputs) as PyTorch would report it, and the backward graph.',
    examples: [
      {
        result: 'y',
        tensors: {
          x: { data: { dtype: 'float32', shape: [3], base64: 'AACAPwAAAEAAAEBA' }, grad: { dtype: 'float32', shape: [3], base64: 'AAAAQAAAgEAAAMBA' } },
          y: { data: 14, grad: null },
        },
        trace: { root: 0, nodes: [{ id: 0, name: 'SumBackward0', next: [[1, 0]] }, { id: 1, name: 'PowBackward0', next: [[2, 0]] }, { id: 2, name: 'AccumulateGrad', variable: 'x' }] },
      },
    ],
  });

export type EvaluateAnswer = z.infer<typeof EvaluateAnswer>;

/** An answer with every field of every tensor in JSON encoding: what evaluateComplete gives in-process callers. */
export type CompleteAnswer = Omit<EvaluateAnswer, 'tensors'> & { tensors: Record<string, TensorAnswer> };
export type TraceJson = z.infer<typeof Trace>;
