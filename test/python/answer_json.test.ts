import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { answerJson } from '../../src/python/answer_json.js';
import { runNotebook } from '../../src/python/run.js';

const cases = (JSON.parse(readFileSync(new URL('../conformance/notebooks.json', import.meta.url), 'utf8')) as { cases: { name: string; request: { cells?: string[] } }[] }).cases;

describe('answerJson writes what JSON.stringify writes', () => {
  it("on every conformance notebook's answer", () => {
    for (const c of cases) {
      if (!c.request.cells) continue;
      const answer = runNotebook(c.request.cells);
      expect(answerJson(answer), c.name).toBe(JSON.stringify(answer));
    }
  });

  it('on random plain data, with long arrays repeated, sharing elements, or holding wire strings', () => {
    const long = fc.array(fc.oneof(fc.double(), fc.integer(), fc.constantFrom('NaN', 'Infinity', '-Infinity', -0)), { minLength: 60, maxLength: 90 });
    const value = fc.letrec((tie) => ({
      node: fc.oneof(
        { depthSize: 'small' },
        fc.double(),
        fc.string(),
        fc.boolean(),
        fc.constant(null),
        fc.constant(undefined),
        long,
        fc.array(tie('node'), { maxLength: 4 }),
        fc.dictionary(fc.string(), tie('node'), { maxKeys: 4 }),
      ),
    })).node;
    fc.assert(
      fc.property(value, long, (v, shared) => {
        const data = { v, a: shared, b: [...shared], c: [shared, { d: shared.slice(0, 70) }], e: shared.map((x) => (typeof x === 'number' ? -x : x)) };
        expect(answerJson(data)).toBe(JSON.stringify(data));
        expect(answerJson(v)).toBe(JSON.stringify(v) ?? 'null');
      }),
      { numRuns: 300 },
    );
  });
});
