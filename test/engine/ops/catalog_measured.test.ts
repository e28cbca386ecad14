import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { GoldenCase } from '../../support/conformance.js';
import { checkGoldenCase } from '../../support/op_goldens.js';

/**
 * Every statement op_catalog.json measured for the linalg, nn and creation
 * groups (catalog_measured.py ran each in torch 1.13 on random inputs), run
 * on the engine: the result's values, dtype, grad_fn and repr must be torch's.
 */
interface Measured {
  op: string;
  statement: string;
  inputs: Record<string, unknown>;
  result: string;
  expect: Record<string, unknown>;
}

const MEASURED = JSON.parse(readFileSync(new URL('./catalog_measured.json', import.meta.url), 'utf8')) as Measured[];

/** Statements that need what this service does not do, and why. */
const NOT_SUPPORTED: Record<string, string> = {
  "r = torch.linalg.matrix_norm(q, ord='nuc')": 'singular values (LinalgSvdBackward0) are not computed',
  'r = x[torch.arange(0, 4, 2)]': 'indexing is not part of the short-program evaluator of these tests',
};

type Nested = number | Nested[];

/** Ones in the nesting of `data`. */
function onesLike(data: Nested): Nested {
  return Array.isArray(data) ? data.map(onesLike) : 1;
}

/**
 * The statement as a golden case; a result that requires grad is summed, so
 * the backward pass has a scalar root (a leaf result, which dropout returns
 * and *_like(requires_grad=True) makes, then gets the sum's gradient, ones).
 */
function asCase(m: Measured): GoldenCase {
  const summed = m.expect.requires_grad === true;
  const expected = summed && m.expect.is_leaf === true ? { ...m.expect, grad: onesLike(m.expect.data as Nested) } : m.expect;
  return {
    name: m.statement,
    tags: [],
    request: { inputs: m.inputs, expr: summed ? `${m.statement}\ny_ = ${m.result}.sum()` : m.statement },
    status: 200,
    tolerance: { rtol: 1e-4, atol: 1e-5 },
    expect: { result: summed ? 'y_' : m.result, tensors: { [m.result]: expected as never } },
  };
}

describe("op_catalog's measured statements (linalg, nn, creation) against torch 1.13", () => {
  it('has every statement', () => expect(MEASURED.length).toBe(130));
  it.each(MEASURED.filter((m) => !(m.statement in NOT_SUPPORTED)).map((m) => ({ label: `${m.op}: ${m.statement}`, m })))('$label', ({ m }) => {
    expect(checkGoldenCase(asCase(m))).toEqual([]);
  });
});
