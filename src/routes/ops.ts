import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { OPS, modulesOf } from '../engine/ops/index.js';
import type { OpDef } from '../engine/op.js';
import { GET_ROUTE_PROBLEMS, jsonAnswer } from '../../schemas/responses.js';

const OpEntry = z
  .object({
    name: z.string(),
    summary: z.string(),
    arity: z.number().int().describe('Positional tensor-or-number parameters.'),
    params: z.array(z.object({ name: z.string(), kind: z.string(), required: z.boolean(), keyword_only: z.boolean(), variadic: z.boolean() })),
    grad_fns: z.array(z.string()),
    method: z.boolean(),
    function: z.boolean(),
    operators: z.array(z.string()),
    spellings: z.array(z.string()).describe("How Python code calls it: `torch.exp`, `Tensor.exp` (a method), `torch.nn.functional.gelu`, `torch.linalg.det`, `torch.special.expit`."),
  })
  .meta({ id: 'OpEntry' });

const OpCatalogue = z.object({ ops: z.array(OpEntry) }).meta({ id: 'OpCatalogue' });

const SPELLING_PREFIX = { torch: 'torch.', method: 'Tensor.', 'torch.nn.functional': 'torch.nn.functional.', 'torch.linalg': 'torch.linalg.', 'torch.special': 'torch.special.' } as const;

function spellingsOf(op: OpDef): string[] {
  return modulesOf(op).map((module) => `${SPELLING_PREFIX[module]}${op.pythonName ?? op.name}`);
}

/** The catalogue is the op table, described. */
const catalogue = {
  ops: OPS.map((op) => ({
    name: op.name,
    summary: op.summary,
    arity: op.params.filter((p) => p.kind === 'tensor' || p.kind === 'tensor|number').length,
    params: op.params.map((p) => ({
      name: p.name,
      kind: p.kind,
      required: p.default === undefined,
      keyword_only: p.keywordOnly ?? false,
      variadic: p.variadic ?? false,
    })),
    grad_fns: [...op.gradFns],
    method: op.method,
    function: op.function,
    operators: [...(op.operators ?? [])],
    spellings: spellingsOf(op),
  })),
};

export const opsRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get('/v1/ops', {
    schema: {
      operationId: 'listOps',
      tags: ['catalogue'],
      summary: 'The op catalogue, generated from the engine op table',
      description: `Every op the engine knows (${OPS.length}), with its parameters, grad_fn names and Python spellings. By name: ${OPS.map((op) => op.pythonName ?? op.name).join(', ')}.`,
      response: { 200: jsonAnswer('Every op: its parameters, grad_fn names, and whether it is a function, a method or an operator.', OpCatalogue), ...GET_ROUTE_PROBLEMS },
    },
    handler: async () => catalogue,
  });
};
