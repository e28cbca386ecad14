// Every statement op_catalog.json measured for the unary, activation, binary
// arithmetic, float reduction and loss groups (spellings, keyword variants,
// float64), run on the engine against torch 1.13's answers
// (test/conformance/catalog_goldens.json, made by scripts/catalog_goldens.py).
import { describe, expect, it } from 'vitest';
import goldens from '../../conformance/catalog_goldens.json' with { type: 'json' };
import type { GoldenCase } from '../../support/conformance.js';
import { withFusion } from '../../support/gradcheck.js';
import { checkGoldenCase } from '../../support/op_goldens.js';

const cases = (goldens as unknown as { cases: GoldenCase[] }).cases;

describe('op_catalog statements against torch 1.13', () => {
  it('has the measured statements of five groups', () => expect(cases.length).toBe(353));
  it.each(cases.map((c) => ({ name: `${c.name}: ${(c.request as { expr: string }).expr.split('\n')[0]}`, c })))('$name', ({ c }) => {
    expect(checkGoldenCase(c)).toEqual([]);
    expect(withFusion(1, () => checkGoldenCase(c))).toEqual([]);
  });
});
