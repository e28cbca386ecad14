import { describe, expect, it } from 'vitest';
import { ProblemError } from '../../src/errors.js';
import { tokenize, type Token } from '../../src/program/lexer.js';

const kinds = (source: string) => tokenize(source).map((t) => `${t.kind}:${t.text}`);

function problemOf(source: string): ProblemError {
  try {
    tokenize(source);
  } catch (error) {
    if (error instanceof ProblemError) return error;
    throw error;
  }
  throw new Error(`tokenize(${JSON.stringify(source)}) did not fail`);
}

describe('tokenize', () => {
  it('splits statements into names, numbers, operators, newlines and a final eof', () => {
    expect(kinds('y = x ** 2\nz=y@w;')).toEqual([
      'name:y', 'operator:=', 'name:x', 'operator:**', 'number:2', 'newline:\n',
      'name:z', 'operator:=', 'name:y', 'operator:@', 'name:w', 'operator:;', 'eof:',
    ]);
  });

  it('gives every token its 1-based line and column and 0-based offset', () => {
    const tokens = tokenize('a = 1\n  b = a');
    const at = (t: Token) => [t.text, t.line, t.column, t.offset];
    expect(tokens.map(at)).toEqual([
      ['a', 1, 1, 0], ['=', 1, 3, 2], ['1', 1, 5, 4], ['\n', 1, 6, 5],
      ['b', 2, 3, 8], ['=', 2, 5, 10], ['a', 2, 7, 12], ['', 2, 8, 13],
    ]);
  });

  it.each([
    ['2', 2, true],
    ['2.5', 2.5, false],
    ['1e-3', 0.001, false],
    ['2E+2', 200, false],
    ['.5', 0.5, false],
    ['1.', 1, false],
    ['1.e5', 100000, false],
    ['1_000', 1000, true],
    ['1_0.2_5', 10.25, false],
    ['0', 0, true],
    ['00', 0, true],
    ['0.0', 0, false],
  ])('reads the number %s as %d (integer: %s)', (source, value, integer) => {
    const [token] = tokenize(source);
    expect(token).toMatchObject({ kind: 'number', text: source, value, integer });
  });

  it('reads the longest operator: ** not * *, ** after a number', () => {
    expect(kinds('2**-x')).toEqual(['number:2', 'operator:**', 'operator:-', 'name:x', 'eof:']);
    expect(kinds('a//b == c')).toEqual(['name:a', 'operator://', 'name:b', 'operator:==', 'name:c', 'eof:']);
  });

  it('tells Python keywords from names', () => {
    expect(kinds('True None lambda torch Falsey')).toEqual([
      'keyword:True', 'keyword:None', 'keyword:lambda', 'name:torch', 'name:Falsey', 'eof:',
    ]);
  });

  it('skips comments and keeps the newline that ends them', () => {
    expect(kinds('x # a comment ** (\ny')).toEqual(['name:x', 'newline:\n', 'name:y', 'eof:']);
  });

  it('joins lines inside brackets and after a backslash', () => {
    expect(kinds('f(a,\n  b)\nc')).toEqual([
      'name:f', 'operator:(', 'name:a', 'operator:,', 'name:b', 'operator:)', 'newline:\n', 'name:c', 'eof:',
    ]);
    const tokens = tokenize('a + \\\n  b');
    expect(tokens.map((t) => t.kind)).toEqual(['name', 'operator', 'name', 'eof']);
    expect(tokens[2]).toMatchObject({ text: 'b', line: 2, column: 3 });
  });

  it('counts CRLF and CR as one line break each', () => {
    const tokens = tokenize('a\r\nb\rc');
    expect(tokens.map((t) => `${t.kind}@${t.line}:${t.column}`)).toEqual([
      'name@1:1', 'newline@1:2', 'name@2:1', 'newline@2:2', 'name@3:1', 'eof@3:2',
    ]);
  });

  it('marks the innermost bracket still open at the end of input', () => {
    const eof = tokenize('f([1, (2').at(-1)!;
    expect(eof.unclosed).toMatchObject({ text: '(', line: 1, column: 7 });
    expect(tokenize('f(x)').at(-1)!.unclosed).toBeUndefined();
  });

  it.each([
    ['1abc', 'invalid decimal literal', 1],
    ['x = 2.sum()', 'invalid decimal literal', 5],
    ['1__0', 'invalid decimal literal', 1],
    ['1_', 'invalid decimal literal', 1],
    ['01', 'leading zeros in decimal integer literals are not permitted; use an 0o prefix for octal integers', 1],
    ['y = $x', "invalid character '$' (U+0024)", 5],
    ['y = x \u20ac 2', "invalid character '\u20ac' (U+20AC)", 7],
    ["f('a')", 'string literals are not supported', 3],
    ['a \\ b', 'unexpected character after line continuation character', 3],
  ])('rejects %j: %s', (source, message, column) => {
    const problem = problemOf(source);
    expect(problem.code).toBe('parse-error');
    expect(problem.message).toBe(message);
    expect(problem.extras.position).toMatchObject({ line: 1, column });
  });
});
