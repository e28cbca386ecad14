import type { FastifyInstance } from 'fastify';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';

/**
 * Random programs of the expression language give the same answer through POST /v1/evaluate
 * (inputs in JSON, backward by the route) and POST /v1/run (the same program as a notebook cell
 * with torch.tensor(..., requires_grad=True) and .backward()).
 */
const UNARY = ['torch.sin', 'torch.exp', 'torch.tanh', 'torch.sigmoid', 'torch.relu', 'torch.abs'];
const BINARY = ['+', '-', '*'];

const expression: fc.Arbitrary<string> = fc.letrec<{ e: string }>((tie) => ({
  e: fc.oneof(
    { maxDepth: 4, depthIdentifier: 'e' },
    fc.constantFrom('x', 'y'),
    fc.integer({ min: -8, max: 8 }).map((k) => String(k / 4)),
    fc.tuple(fc.constantFrom(...UNARY), tie('e')).map(([f, a]) => `${f}(${a})`),
    fc.tuple(tie('e'), fc.constantFrom(...BINARY), tie('e')).map(([a, op, b]) => `(${a} ${op} ${b})`),
    fc.tuple(tie('e'), fc.constantFrom(2, 3)).map(([a, p]) => `(${a}) ** ${p}`),
  ),
})).e;

const vector = fc.array(fc.integer({ min: -8, max: 8 }).map((k) => k / 4), { minLength: 3, maxLength: 3 });

/** Python's literal for a float list (0.5 as 0.5, 1 as 1.0). */
const pyList = (values: number[]) => `[${values.map((v) => (Number.isInteger(v) ? `${v}.0` : String(v))).join(', ')}]`;

const COMPARED = ['data', 'grad', 'grad_fn', 'repr', 'shape', 'dtype', 'requires_grad', 'is_leaf'] as const;

describe('/v1/evaluate and /v1/run answer random programs alike', () => {
  let app: FastifyInstance;
  beforeAll(async () => {
    app = await buildApp();
  });
  afterAll(() => app.close());

  it('values, gradients, grad_fn and repr of every tensor', async () => {
    await fc.assert(
      fc.asyncProperty(expression, vector, vector, async (expr, x, y) => {
        // `+ 0 * x` keeps the result a tensor that requires grad whatever the expression
        const program = `h = ${expr} + 0 * x\nz = (h * y).sum()`;
        const evaluated = await app.inject({ method: 'POST', url: '/v1/evaluate', payload: { inputs: { x, y }, expr: program } });
        const cell = `import torch\nx = torch.tensor(${pyList(x)}, requires_grad=True)\ny = torch.tensor(${pyList(y)}, requires_grad=True)\n${program}\nz.backward()`;
        const ran = await app.inject({ method: 'POST', url: '/v1/run', payload: { cells: [cell] } });
        expect(ran.statusCode).toBe(200);
        const run = ran.json();
        if (evaluated.statusCode !== 200) {
          // a program PyTorch refuses (torch.sin(0): a number is not a tensor) is refused alike
          expect(evaluated.statusCode).toBe(422);
          expect(run.cells[0].error?.message).toBe(evaluated.json().detail);
          return;
        }
        const tensors = evaluated.json().tensors;
        expect(run.cells[0].error).toBeNull();
        for (const name of ['x', 'y', 'h', 'z']) {
          for (const key of COMPARED) expect([name, key, run.variables[name][key]]).toEqual([name, key, tensors[name][key]]);
        }
      }),
      { numRuns: 60 },
    );
  });
});
