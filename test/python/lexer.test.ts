import { describe, expect, it } from 'vitest';
import { tokenize, tokenizeFStringExpression, type StringLiteral, type Token, type TokenizerError } from '../../src/python/lexer.js';
import { PythonSyntaxError } from '../../src/python/syntax_error.js';

/** `type:text` per token (just the type for NEWLINE, INDENT, DEDENT and the end). */
function stream(source: string): string {
  return tokenize(source)
    .map((t) => (t.text !== '' ? `${t.type}:${t.text}` : t.type))
    .join(' ');
}

function only(source: string): Token {
  const tokens = tokenize(source).filter((t) => t.type !== 'newline' && t.type !== 'end');
  expect(tokens).toHaveLength(1);
  return tokens[0];
}

function failure(source: string): TokenizerError {
  const tokens = tokenize(source);
  const last = tokens[tokens.length - 1];
  expect(last.type).toBe('error');
  return last.value as TokenizerError;
}

describe('tokenize: lines, indentation and brackets', () => {
  it('emits NEWLINE, INDENT and DEDENT; blank and comment-only lines do not count', () => {
    expect(stream('if x:\n    y = 1  # c\n\n  # indented comment\n    z\nw')).toBe(
      'keyword:if name:x op:: newline indent name:y op:= number newline name:z newline dedent name:w newline end',
    );
  });

  it('closes every open block at the end, with a NEWLINE first when the last line has none', () => {
    expect(stream('for i in x:\n  if i:\n    pass')).toBe(
      'keyword:for name:i keyword:in name:x op:: newline indent keyword:if name:i op:: newline indent keyword:pass newline dedent dedent end',
    );
    expect(stream('')).toBe('end');
    expect(stream('# only a comment\n\n')).toBe('end');
  });

  it('joins lines inside brackets and after a backslash', () => {
    expect(stream('f(a,\n\n  # comment\n  b)\nx = 1 + \\\n  2')).toBe(
      'name:f op:( name:a op:, name:b op:) newline name:x op:= number op:+ number newline end',
    );
  });

  it('counts how many brackets are open after each token', () => {
    expect(tokenize('a[(b)]').map((t) => t.level)).toEqual([0, 1, 2, 2, 1, 0, 0, 0]);
  });

  it('reads every operator, longest first', () => {
    const operators = '**= //= >>= <<= ... -> := != == <= >= ** // << >> += -= *= /= %= &= |= ^= @= + - * / % @ & | ^ ~ < > = . , : ; ( ) [ ] { }';
    const texts = tokenize(operators)
      .filter((t) => t.type === 'op')
      .map((t) => t.text);
    expect(texts.join(' ')).toBe(operators);
  });

  it('passes other ASCII punctuation on as operators the parser rejects, like CPython', () => {
    expect(stream('a ! b ? $')).toBe('name:a op:! name:b op:? op:$ newline end');
  });

  it('tells keywords from names, accepts non-ASCII identifiers', () => {
    expect(stream('if iff None none λ café _x')).toBe('keyword:if name:iff keyword:None name:none name:λ name:café name:_x newline end');
  });

  it('skips %matplotlib lines (IPython) and nothing else', () => {
    expect(stream('%matplotlib inline\nx')).toBe('name:x newline end');
    expect(stream('if x:\n    %matplotlib inline\n    y')).toBe('keyword:if name:x op:: newline indent name:y newline dedent end');
    expect(stream('%time x')).toBe('op:% name:time name:x newline end');
  });

  it('reads CRLF and CR line ends as LF', () => {
    expect(stream('if x:\r\n    y\r\nz\rw')).toBe('keyword:if name:x op:: newline indent name:y newline dedent name:z newline name:w newline end');
  });
});

describe('tokenize: positions', () => {
  it('gives 1-based lines and 0-based columns, the end exclusive', () => {
    const [x, eq, s, newline] = tokenize('x = """a\nbc"""\n');
    expect([x.lineno, x.col_offset, x.end_lineno, x.end_col_offset]).toEqual([1, 0, 1, 1]);
    expect([eq.lineno, eq.col_offset]).toEqual([1, 2]);
    expect([s.lineno, s.col_offset, s.end_lineno, s.end_col_offset]).toEqual([1, 4, 2, 5]);
    expect([newline.type, newline.lineno, newline.col_offset]).toEqual(['newline', 2, 5]);
  });

  it('puts the end of input on the line of the last newline, as CPython does', () => {
    const end = (source: string) => tokenize(source).at(-1)!.lineno;
    expect(end('x\n')).toBe(1);
    expect(end('x\n\n\n')).toBe(3);
    expect(end('x')).toBe(1);
  });
});

describe('tokenize: numbers', () => {
  it.each([
    ['0', 0n],
    ['00', 0n],
    ['0_0', 0n],
    ['7', 7n],
    ['1_000', 1000n],
    ['0x_1F', 31n],
    ['0XfF', 255n],
    ['0o17', 15n],
    ['0b1010', 10n],
    ['123456789012345678901234567890', 123456789012345678901234567890n],
    ['9007199254740993', 9007199254740993n],
    ['1.5', 1.5],
    ['.5', 0.5],
    ['5.', 5],
    ['1e3', 1000],
    ['1E-3', 0.001],
    ['1_0.0_1e+0_1', 100.1],
    ['0.1', 0.1],
    ['09.5', 9.5],
    ['0e0', 0],
    ['1e309', Infinity],
  ] as const)('%s is %s', (source, value) => {
    const token = only(source);
    expect(token.type).toBe('number');
    expect(token.value).toBe(value);
  });

  it('lets a keyword follow a number directly, as CPython does (1if x else 2)', () => {
    expect(stream('1if x else 2')).toBe('number keyword:if name:x keyword:else number newline end');
    expect(stream('0x1for')).toBe('number keyword:or newline end');
  });

  // messages and lines from CPython 3.11
  it.each([
    ['x = 0777', 'leading zeros in decimal integer literals are not permitted; use an 0o prefix for octal integers'],
    ['x = 1_', 'invalid decimal literal'],
    ['x = 1__0', 'invalid decimal literal'],
    ['x = 1e', 'invalid decimal literal'],
    ['x = 1e+', 'invalid decimal literal'],
    ['x = 0elsex', 'invalid decimal literal'],
    ['x = 12abc', 'invalid decimal literal'],
    ['x = 0x', 'invalid hexadecimal literal'],
    ['x = 0o8', "invalid digit '8' in octal literal"],
    ['x = 0b2', "invalid digit '2' in binary literal"],
    ['x = 0b', 'invalid binary literal'],
    ['x = 5j', 'imaginary numbers are not supported'],
  ])('%s: %s', (source, message) => {
    const { kind, error } = failure(source);
    expect([kind, error.type, error.lineno, error.message]).toEqual(['raised', 'SyntaxError', 1, message]);
  });
});

describe('tokenize: strings', () => {
  const value = (source: string) => (only(source).value as StringLiteral).value;

  it.each([
    [String.raw`'a\tb'`, 'a\tb'],
    [String.raw`"\x41\u00e9\U0001F600"`, 'Aé😀'],
    [String.raw`'\101\0'`, 'A\0'],
    [String.raw`'\a\b\f\n\r\v\\\'\"'`, '\x07\b\f\n\r\v\\\'"'],
    [String.raw`'\q\d'`, '\\q\\d'],
    [String.raw`r'\n\''`, "\\n\\'"],
    [String.raw`R"\d"`, '\\d'],
    [String.raw`u'x'`, 'x'],
    ["'''a\nb'''", 'a\nb'],
    ['"""say "hi" """', 'say "hi" '],
    ["'a\\\nb'", 'ab'],
    ['"it\'s"', "it's"],
    ["''", ''],
  ])('%s', (source, expected) => {
    expect(value(source)).toBe(expected);
  });

  it('decodes bytes, raw or not', () => {
    expect([...(value(String.raw`b'\x00\xffA\n'`) as Uint8Array)]).toEqual([0, 255, 65, 10]);
    expect([...(value(String.raw`Rb'\n'`) as Uint8Array)]).toEqual([92, 110]);
    expect([...(value(String.raw`BR"\u"`) as Uint8Array)]).toEqual([92, 117]);
  });

  it('leaves an f-string to the parser, with where its text is', () => {
    const token = only('x = f"a{b}"'.slice(4));
    const literal = token.value as StringLiteral;
    expect(literal).toMatchObject({ kind: 'fstring', value: null, raw: false, bodyStart: 2, bodyEnd: 6, bodyLine: 1, bodyCol: 2 });
    expect((only('rf"{x}"').value as StringLiteral).raw).toBe(true);
    expect(stream('fb"x"')).toBe('name:fb string newline end');
  });

  // messages and lines from CPython 3.11
  it.each([
    ["x = 'abc\ny = 2", 1, 'unterminated string literal (detected at line 1)'],
    ["x = 1\ny = f'abc", 2, 'unterminated string literal (detected at line 2)'],
    ["x = '''abc\ny = 2", 1, 'unterminated triple-quoted string literal (detected at line 2)'],
    ["x = '''abc\n\n", 1, 'unterminated triple-quoted string literal (detected at line 2)'],
    ["x = b'é'", 1, 'bytes can only contain ASCII literal characters'],
    [String.raw`x = '\xzz'`, 1, "(unicode error) 'unicodeescape' codec can't decode bytes in position 0-1: truncated \\xXX escape"],
  ])('%j', (source, line, message) => {
    const { kind, error } = failure(source);
    expect([kind, error.lineno, error.message]).toEqual(['raised', line, message]);
  });
});

describe('tokenize: errors come last, as a token, never thrown', () => {
  it('stops at a bad character', () => {
    expect(failure('print(\u2018hi\u2019)').error.message).toBe("invalid character '\u2018' (U+2018)");
    expect(failure('x = 1\u00a0+ 2').error.message).toBe('invalid non-printable character U+00A0');
    expect(failure('x = \x01').error.message).toBe('invalid non-printable character U+0001');
  });

  it('tells the three ways CPython reports them apart', () => {
    // raised at once by CPython's tokenizer: they win over an earlier parse error
    expect(failure('x = (1,\n2]').kind).toBe('raised');
    expect(failure('x)').error.message).toBe("unmatched ')'");
    expect(failure('[' .repeat(201)).error.message).toBe('too many nested parentheses');
    // the end of the input inside brackets: the innermost bracket never closed
    const unclosed = failure('f(a,\n  g(b\n');
    expect([unclosed.kind, unclosed.error.lineno, unclosed.error.offset, unclosed.error.message]).toEqual(['unclosed', 2, 4, "'(' was never closed"]);
    // reported only when the parser reaches them
    for (const source of ['if x:\n    y\n  z', 'if x:\n\ty\n        z', 'x = 1 \\ y', 'x = 1 \\']) expect(failure(source).kind).toBe('reached');
  });

  it('checks indentation as CPython: tabs to multiples of 8, and consistently', () => {
    const dedent = failure('if x:\n    y\n  z').error;
    expect([dedent.type, dedent.lineno, dedent.message]).toEqual(['IndentationError', 3, 'unindent does not match any outer indentation level']);
    const tabs = failure('if True:\n\tx=1\n        y=2').error;
    expect([tabs.type, tabs.lineno, tabs.message]).toEqual(['TabError', 3, 'inconsistent use of tabs and spaces in indentation']);
    expect(stream('if x:\n\ty\n\tz')).toBe('keyword:if name:x op:: newline indent name:y newline name:z newline dedent end');
    const deep = Array.from({ length: 100 }, (_, i) => ' '.repeat(i) + 'if x:\n').join('') + ' '.repeat(100) + 'y';
    expect(failure(deep).error.message).toBe('too many levels of indentation');
  });

  it('reads a backslash only at the end of a line', () => {
    expect(failure('x = 1 \\ y').error.message).toBe('unexpected character after line continuation character');
    expect(failure('x = 1 \\').error.message).toBe('unexpected EOF while parsing');
  });
});

describe('tokenizeFStringExpression', () => {
  it('reads a replacement field as if inside brackets, at its place in the source', () => {
    const source = 'f"""{a +\n  b}"""';
    const tokens = tokenizeFStringExpression(source, 5, 12, 1, 5);
    expect(tokens.map((t) => `${t.type}:${t.text}@${t.lineno}:${t.col_offset}`)).toEqual(['name:a@1:5', 'op:+@1:7', 'name:b@2:2', 'end:@2:3']);
  });

  it('throws its errors', () => {
    expect(() => tokenizeFStringExpression('f"{1_}"', 3, 5, 1, 3)).toThrow(PythonSyntaxError);
  });
});
