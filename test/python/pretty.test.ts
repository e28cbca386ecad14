import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  dictRepr,
  listRepr,
  plainRepr,
  prettyDict,
  prettyList,
  prettySet,
  prettyText,
  printDoc,
  prettyTuple,
  setRepr,
  tupleRepr,
  type PrettyDoc,
} from '../../src/python/pretty.js';

// [document, IPython.lib.pretty.pretty(obj), repr(obj)] computed by IPython 8.12 (same pretty.py as 8.5).
const rows = JSON.parse(readFileSync(new URL('./fixtures/pretty.json', import.meta.url), 'utf8')) as [PrettyDoc, string, string][];

describe('prettyText (IPython.lib.pretty, width 79)', () => {
  it('gives a plain repr as the printer would, line boundaries and long lines included', () => {
    const pieces = ['tensor([1., 2.])', '\n', '       ', 'x'.repeat(90), '\r\n', '\r', '\u2028', '\x0c', '', ' '];
    let seed = 5;
    for (let trial = 0; trial < 400; trial++) {
      let text = '';
      for (let k = 0; k < trial % 7; k++) {
        seed = (seed * 1103515245 + 12345) % 2147483648;
        text += pieces[seed % pieces.length];
      }
      expect(prettyText(text)).toBe(printDoc(text));
    }
  });

  it('breaks a list that does not fit one element per line', () => {
    const ints = Array.from({ length: 30 }, (_, i) => String(i));
    expect(prettyText(prettyList(ints))).toBe('[' + ints.join(',\n ') + ']');
    expect(prettyText(prettyList(ints.slice(0, 5)))).toBe('[0, 1, 2, 3, 4]');
  });

  it('writes 1-tuples, empty containers and dicts as IPython does', () => {
    expect(prettyText(prettyTuple(['1']))).toBe('(1,)');
    expect(prettyText(prettyTuple([]))).toBe('()');
    expect(prettyText(prettySet([]))).toBe('set()');
    expect(prettyText(prettyDict([["'w'", '2.0'], ["'b'", '-1.0']]))).toBe("{'w': 2.0, 'b': -1.0}");
  });

  it('keeps the indentation inside a multi-line repr and breaks the enclosing list after it', () => {
    const t = 'tensor([[1., 2.],\n        [3., 4.]])';
    expect(prettyText(prettyList([t, '1']))).toBe('[tensor([[1., 2.],\n         [3., 4.]]),\n 1]');
  });

  it('shows the first 1000 elements and then ...', () => {
    const text = prettyText(prettyList(Array.from({ length: 1005 }, (_, i) => String(i))));
    expect(text.endsWith('\n 999,\n ...]')).toBe(true);
  });

  it(`matches IPython on ${rows.length} nested containers`, () => {
    const mismatches = rows.filter(([doc, want]) => prettyText(doc) !== want).map(([, want]) => want);
    expect(mismatches.slice(0, 5)).toEqual([]);
  });

  it('does not recurse on the JS stack for deep nesting', () => {
    let doc: PrettyDoc = '0';
    for (let i = 0; i < 100_000; i++) doc = prettyList([doc]);
    const text = prettyText(doc);
    expect(text.length).toBe(200_001);
    expect(plainRepr(doc)).toBe('['.repeat(100_000) + '0' + ']'.repeat(100_000));
  });
});

describe("Python's repr of containers", () => {
  it('joins element reprs', () => {
    expect(listRepr(['1', "'a'"])).toBe("[1, 'a']");
    expect(tupleRepr(['1'])).toBe('(1,)');
    expect(tupleRepr([])).toBe('()');
    expect(dictRepr([["'a'", '1']])).toBe("{'a': 1}");
    expect(setRepr([])).toBe('set()');
    expect(setRepr(['1', '2'])).toBe('{1, 2}');
  });

  it(`matches repr() on ${rows.length} nested containers`, () => {
    const mismatches = rows.filter(([doc, , want]) => plainRepr(doc) !== want).map(([, , want]) => want);
    expect(mismatches.slice(0, 5)).toEqual([]);
  });
});
