import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { AnswerOverLimit, answerJson, answerJsonBytes, releaseAnswerBytes } from '../../src/python/answer_json.js';
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

const utf8 = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');

describe('answerJsonBytes writes the UTF-8 of the same text into reused memory', () => {
  it("on every conformance notebook's answer", () => {
    for (const c of cases) {
      if (!c.request.cells) continue;
      const answer = runNotebook(c.request.cells);
      const bytes = answerJsonBytes(answer);
      expect(utf8(bytes), c.name).toBe(JSON.stringify(answer));
      releaseAnswerBytes(bytes);
    }
  });

  it('on random plain data (short and long text beyond ASCII), and members JSON.stringify leaves out first, last or all', () => {
    const value = fc.letrec((tie) => ({
      node: fc.oneof(
        { depthSize: 'small' },
        fc.double(),
        fc.string({ unit: 'binary', maxLength: 40 }),
        fc.constant(undefined),
        fc.array(tie('node'), { maxLength: 4 }),
        fc.dictionary(fc.string({ unit: 'binary', maxLength: 30 }), tie('node'), { maxKeys: 4 }),
      ),
    })).node;
    fc.assert(
      fc.property(value, (v) => {
        const bytes = answerJsonBytes({ v });
        expect(utf8(bytes)).toBe(JSON.stringify({ v }));
        releaseAnswerBytes(bytes);
      }),
      { numRuns: 300 },
    );
    const skipped = { a: undefined, b: () => 1, c: 1, d: Symbol('s'), e: 'é', f: undefined };
    for (const data of [skipped, { a: undefined }, { a: () => 1, b: undefined }, [skipped, { x: undefined, y: [undefined, () => 1] }]]) {
      const bytes = answerJsonBytes(data);
      expect(utf8(bytes)).toBe(JSON.stringify(data));
      releaseAnswerBytes(bytes);
    }
  });

  it('on text beyond ASCII (each UTF-16 unit up to three bytes, lone surrogates escaped as JSON.stringify does)', () => {
    const data = { s: 'x²·∂y/∂x = 2x 🙂', lone: '\ud800', many: Array.from({ length: 100 }, (_, i) => `é${i}`) };
    const bytes = answerJsonBytes(data);
    expect(utf8(bytes)).toBe(JSON.stringify(data));
    expect(bytes.length).toBe(Buffer.byteLength(JSON.stringify(data)));
    releaseAnswerBytes(bytes);
  });

  it('grows past its first buffer for a large answer', () => {
    const data = { values: Array.from({ length: 100_000 }, (_, i) => i / 7) };
    const bytes = answerJsonBytes(data);
    expect(utf8(bytes)).toBe(JSON.stringify(data));
    releaseAnswerBytes(bytes);
  });

  it('writes a big answer into reused memory, reused only once it is given back, and never while still lent', () => {
    const big = (tag: string) => ({ tag, values: Array.from({ length: 3000 }, (_, i) => i + 0.5) });
    const first = answerJsonBytes(big('first'));
    const second = answerJsonBytes(big('second'));
    expect(first.buffer === second.buffer).toBe(false);
    expect(utf8(first)).toBe(JSON.stringify(big('first')));
    releaseAnswerBytes(first);
    releaseAnswerBytes(first); // a second release of the same view is ignored
    const third = answerJsonBytes(big('third'));
    expect(third.buffer === first.buffer).toBe(true);
    const fourth = answerJsonBytes(big('fourth'));
    expect(fourth.buffer === first.buffer).toBe(false);
    expect(utf8(second)).toBe(JSON.stringify(big('second')));
    expect(utf8(third)).toBe(JSON.stringify(big('third')));
    for (const bytes of [second, third, fourth]) releaseAnswerBytes(bytes);
  });

  it('gives a small answer bytes of its own (the reused memory is not held while it is sent)', () => {
    const values = (sign: number) => ({ values: Array.from({ length: 10_000 }, (_, i) => sign * i) });
    const small = answerJsonBytes({ a: [1, 2, 3] });
    expect(utf8(small)).toBe('{"a":[1,2,3]}');
    const big = answerJsonBytes(values(1));
    expect(big.buffer === small.buffer).toBe(false);
    // were the small answer a view of reused memory, giving it back would hand that memory out next
    releaseAnswerBytes(small);
    const other = answerJsonBytes(values(-1));
    expect(other.buffer === small.buffer).toBe(false);
    releaseAnswerBytes(other);
    releaseAnswerBytes(big);
    const again = answerJsonBytes(values(2));
    expect(again.buffer === big.buffer).toBe(true);
    releaseAnswerBytes(again);
  });

  it('stops writing past maxBytes', () => {
    const data = { values: Array.from({ length: 10_000 }, (_, i) => i) };
    expect(() => answerJsonBytes(data, 1000)).toThrow(AnswerOverLimit);
    const exact = JSON.stringify({ a: 1 });
    expect(utf8(answerJsonBytes({ a: 1 }, exact.length))).toBe(exact);
    expect(() => answerJsonBytes({ a: 1 }, exact.length - 1)).toThrow(AnswerOverLimit);
  });
});
