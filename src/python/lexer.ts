import { PythonSyntaxError, type SyntaxErrorType } from './syntax_error.js';

/**
 * Python's tokenizer (CPython 3.11's tokenizer.c, in one pass over char codes).
 *
 * `tokenize` never throws a SyntaxError: it stops at the first error and ends the token list with
 * an `error` token carrying it, because CPython reports a tokenizer error only when the parser
 * reaches it, or, for some, when the parser failed earlier on a line after it (see
 * `TokenizerErrorKind`).
 */

export type TokenType =
  | 'name'
  | 'keyword'
  | 'number'
  | 'string'
  | 'op'
  | 'newline'
  | 'indent'
  | 'dedent'
  | 'end'
  | 'error';

/** A string literal's token value. */
export interface StringLiteral {
  kind: 'str' | 'bytes' | 'fstring';
  /** The decoded value; null for an f-string, which the parser reads from the source. */
  value: string | Uint8Array | null;
  raw: boolean;
  /** The text between the quotes: its offsets in the source, and the line and column it starts at. */
  bodyStart: number;
  bodyEnd: number;
  bodyLine: number;
  bodyCol: number;
}

/**
 * How CPython surfaces a tokenizer error:
 * - `raised`: the tokenizer raised it (bad characters, literals and brackets): it also replaces a
 *   parser error found earlier in the source (CPython tokenizes the rest of the source then);
 * - `unclosed`: the source ended inside brackets: it replaces an earlier parser error only when
 *   that error's line is after the bracket's line;
 * - `reached`: a bad dedent, tabs against spaces, too deep, a bad line continuation: reported
 *   only when the parser reaches it.
 */
export type TokenizerErrorKind = 'raised' | 'unclosed' | 'reached';

export interface TokenizerError {
  kind: TokenizerErrorKind;
  error: PythonSyntaxError;
}

export class Token {
  constructor(
    readonly type: TokenType,
    /** A name, keyword or operator as written; '' for the others. */
    readonly text: string,
    /** number: bigint (int) or number (float); string: StringLiteral; error: TokenizerError. */
    readonly value: bigint | number | StringLiteral | TokenizerError | null,
    readonly lineno: number,
    readonly col_offset: number,
    readonly end_lineno: number,
    readonly end_col_offset: number,
    /** How many brackets are open after this token (CPython's `level`). */
    readonly level: number,
  ) {}
}

/** Python's hard keywords. */
export const KEYWORDS: ReadonlySet<string> = new Set([
  'False', 'None', 'True', 'and', 'as', 'assert', 'async', 'await', 'break', 'class', 'continue', 'def', 'del',
  'elif', 'else', 'except', 'finally', 'for', 'from', 'global', 'if', 'import', 'in', 'is', 'lambda', 'nonlocal',
  'not', 'or', 'pass', 'raise', 'return', 'try', 'while', 'with', 'yield',
]);
/** Keywords by their first character's code, to recognise them without slicing or hashing. */
const KEYWORDS_BY_FIRST: readonly (readonly string[] | undefined)[] = (() => {
  const table: string[][] = [];
  for (const keyword of KEYWORDS) (table[keyword.charCodeAt(0)] ??= []).push(keyword);
  return table;
})();

function keywordAt(source: string, start: number, end: number): string | null {
  const candidates = KEYWORDS_BY_FIRST[source.charCodeAt(start)];
  if (candidates === undefined) return null;
  const length = end - start;
  for (const keyword of candidates) if (keyword.length === length && source.startsWith(keyword, start)) return keyword;
  return null;
}

/** CPython's limits: MAXLEVEL brackets, MAXINDENT indentation levels. */
export const MAX_BRACKET_DEPTH = 200;
export const MAX_INDENT_DEPTH = 100;
const TAB_SIZE = 8;

const EOF = -1;
const TAB = 9;
const LF = 10;
const FF = 12;
const SPACE = 32;
const BANG = 33;
const DOUBLE_QUOTE = 34;
const HASH = 35;
const PERCENT = 37;
const AMPERSAND = 38;
const SINGLE_QUOTE = 39;
const LPAREN = 40;
const RPAREN = 41;
const STAR = 42;
const PLUS = 43;
const COMMA = 44;
const MINUS = 45;
const DOT = 46;
const SLASH = 47;
const DIGIT_0 = 48;
const DIGIT_1 = 49;
const DIGIT_7 = 55;
const DIGIT_9 = 57;
const COLON = 58;
const SEMICOLON = 59;
const LESS = 60;
const EQUAL = 61;
const GREATER = 62;
const AT = 64;
const LBRACKET = 91;
const BACKSLASH = 92;
const RBRACKET = 93;
const CARET = 94;
const UNDERSCORE = 95;
const LBRACE = 123;
const PIPE = 124;
const RBRACE = 125;
const TILDE = 126;

const isDigit = (c: number) => c >= DIGIT_0 && c <= DIGIT_9;
const isHexDigit = (c: number) => isDigit(c) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70);
const isAsciiLetter = (c: number) => (c >= 97 && c <= 122) || (c >= 65 && c <= 90);

const ID_START = /^[\p{ID_Start}_]$/u;
const ID_CONTINUE = /^[\p{ID_Continue}]$/u;
const NOT_PRINTABLE = /^[\p{C}\p{Z}]$/u;

function isIdentifierStart(source: string, at: number, c: number): boolean {
  if (c < 128) return isAsciiLetter(c) || c === UNDERSCORE;
  return ID_START.test(String.fromCodePoint(source.codePointAt(at)!));
}

function isIdentifierChar(source: string, at: number, c: number): boolean {
  if (c < 128) return isAsciiLetter(c) || isDigit(c) || c === UNDERSCORE;
  return ID_CONTINUE.test(String.fromCodePoint(source.codePointAt(at)!));
}

/** The string prefixes Python allows, lower-cased: r, u, b, f and the pairs br, rb, fr, rf. */
function stringPrefix(source: string, start: number, end: number): { raw: boolean; bytes: boolean; f: boolean } | null {
  const length = end - start;
  if (length > 2) return null;
  let raw = false;
  let bytes = false;
  let f = false;
  let u = false;
  for (let i = start; i < end; i++) {
    const c = source.charCodeAt(i) | 0x20;
    if (c === 114 /* r */ && !raw) raw = true;
    else if (c === 98 /* b */ && !bytes) bytes = true;
    else if (c === 102 /* f */ && !f) f = true;
    else if (c === 117 /* u */ && length === 1) u = true;
    else return null;
  }
  if (bytes && f) return null;
  if (u && length > 1) return null;
  return { raw, bytes, f };
}

/** The value of up to 15 decimal digits (exact in a double; cheaper than BigInt of a string). */
function decimalValue(digits: string): number {
  let value = 0;
  for (let i = 0; i < digits.length; i++) value = value * 10 + digits.charCodeAt(i) - DIGIT_0;
  return value;
}

function hex4(code: number): string {
  return code.toString(16).toUpperCase().padStart(4, '0');
}

/** Tokenizes a whole source (a cell). Never throws a Python error: see the module comment. */
export function tokenize(source: string): Token[] {
  const normalized = source.includes('\r') ? source.replace(/\r\n?/g, '\n') : source;
  return new Lexer(normalized, 0, normalized.length, 1, 0, false).run();
}

/**
 * Tokenizes the expression part of an f-string replacement field, `source[start, end)`, which
 * starts at `line`, `col`: as if inside brackets (newlines join lines), ending with an `end`
 * token. Errors are thrown.
 */
export function tokenizeFStringExpression(source: string, start: number, end: number, line: number, col: number): Token[] {
  const tokens = new Lexer(source, start, end, line, start - col, true).run();
  const last = tokens[tokens.length - 1];
  if (last.type === 'error') throw (last.value as TokenizerError).error;
  return tokens;
}

class Lexer {
  private readonly tokens: Token[] = [];
  private pos: number;
  /** Offset of the first character of the current line. */
  private lineStart: number;
  private readonly bracketChars: number[] = [];
  private readonly bracketLines: number[] = [];
  private readonly bracketCols: number[] = [];
  /** Indentation columns with tabs to multiples of 8, and with tabs counting 1 (CPython's `altcol`). */
  private readonly indents: number[] = [0];
  private readonly altIndents: number[] = [0];
  private atLineStart: boolean;

  constructor(
    private readonly source: string,
    start: number,
    private readonly end: number,
    private line: number,
    lineStart: number,
    /** An f-string field: newlines are joined, no indentation, no NEWLINE tokens. */
    private readonly inFString: boolean,
  ) {
    this.pos = start;
    this.lineStart = lineStart;
    this.atLineStart = !inFString;
  }

  run(): Token[] {
    try {
      this.scan();
    } catch (error) {
      if (!(error instanceof TokenizerFailure)) throw error;
      const at = this.tokens.length > 0 ? this.tokens[this.tokens.length - 1] : null;
      const line = at?.end_lineno ?? this.line;
      const col = at?.end_col_offset ?? 0;
      this.tokens.push(new Token('error', '', { kind: error.kind, error: error.error }, line, col, line, col, this.level()));
    }
    return this.tokens;
  }

  private level(): number {
    return this.bracketChars.length + (this.inFString ? 1 : 0);
  }

  private code(at: number): number {
    return at < this.end ? this.source.charCodeAt(at) : EOF;
  }

  private fail(kind: TokenizerErrorKind, type: SyntaxErrorType, message: string, line: number, col: number): TokenizerFailure {
    return new TokenizerFailure(kind, new PythonSyntaxError(type, message, line, col + 1));
  }

  private raised(message: string, at: number): TokenizerFailure {
    return this.fail('raised', 'SyntaxError', message, this.line, at - this.lineStart);
  }

  private push(type: TokenType, text: string, value: Token['value'], start: number): void {
    const col = start - this.lineStart;
    this.tokens.push(new Token(type, text, value, this.line, col, this.line, this.pos - this.lineStart, this.level()));
  }

  private newLine(at: number): void {
    this.line += 1;
    this.lineStart = at + 1;
  }

  private scan(): void {
    const source = this.source;
    for (;;) {
      if (this.atLineStart) {
        this.atLineStart = false;
        if (this.indentation()) continue;
      }
      let c = this.code(this.pos);
      while (c === SPACE || c === TAB || c === FF) c = this.code(++this.pos);
      const start = this.pos;
      if (c === EOF) return this.endOfInput();
      if (c === HASH) {
        if (this.inFString) throw this.raised("f-string expression part cannot include '#'", start);
        this.pos = this.lineEnd(this.pos);
      } else if (c === LF) {
        if (this.level() === 0) {
          this.pos += 1;
          this.push('newline', '', null, start);
          this.atLineStart = true;
        } else {
          this.pos += 1;
        }
        this.newLine(start);
      } else if (c === BACKSLASH) {
        if (this.inFString) throw this.raised('f-string expression part cannot include a backslash', start);
        this.continuation();
      } else if (isIdentifierStart(source, start, c)) {
        this.pos += c >= 0xd800 && c <= 0xdbff ? 2 : 1;
        while (this.pos < this.end) {
          const d = source.charCodeAt(this.pos);
          if (d < 128 ? !(isAsciiLetter(d) || isDigit(d) || d === UNDERSCORE) : !isIdentifierChar(source, this.pos, d)) break;
          this.pos += d >= 0xd800 && d <= 0xdbff ? 2 : 1;
        }
        const after = this.code(this.pos);
        if (after === SINGLE_QUOTE || after === DOUBLE_QUOTE) {
          const prefix = stringPrefix(source, start, this.pos);
          if (prefix !== null) {
            this.string(start, prefix.raw, prefix.bytes, prefix.f);
            continue;
          }
        }
        const keyword = keywordAt(source, start, this.pos);
        if (keyword !== null) this.push('keyword', keyword, null, start);
        else this.push('name', source.slice(start, this.pos), null, start);
      } else if (isDigit(c) || (c === DOT && isDigit(this.code(start + 1)))) {
        this.number(start);
      } else if (c === SINGLE_QUOTE || c === DOUBLE_QUOTE) {
        this.string(start, false, false, false);
      } else if (c >= 128 || (c < SPACE && c !== TAB && c !== FF)) {
        const codePoint = source.codePointAt(start)!;
        const char = String.fromCodePoint(codePoint);
        if (c < SPACE || NOT_PRINTABLE.test(char)) throw this.raised(`invalid non-printable character U+${hex4(codePoint)}`, start);
        throw this.raised(`invalid character '${char}' (U+${hex4(codePoint)})`, start);
      } else {
        this.operator(start, c);
      }
    }
  }

  /**
   * At the start of a line outside brackets: measures the indentation and pushes INDENT or
   * DEDENTs. Returns true when the line is blank (only whitespace, a comment or a
   * `%matplotlib` magic): it is skipped whole and does not count.
   */
  private indentation(): boolean {
    let col = 0;
    let altCol = 0;
    let continuationCol = 0;
    for (;;) {
      const c = this.code(this.pos);
      if (c === SPACE) {
        col += 1;
        altCol += 1;
      } else if (c === TAB) {
        col = (Math.floor(col / TAB_SIZE) + 1) * TAB_SIZE;
        altCol += 1;
      } else if (c === FF) {
        col = 0;
        altCol = 0;
      } else if (c === BACKSLASH) {
        // the first backslash-continued line decides the indentation of what follows
        continuationCol = continuationCol || col;
        this.continuation();
        continue;
      } else {
        break;
      }
      this.pos += 1;
    }
    const c = this.code(this.pos);
    if (c === EOF) return false;
    if (c === HASH || c === LF || (c === PERCENT && this.isMatplotlibMagic())) {
      this.pos = this.lineEnd(this.pos);
      if (this.pos < this.end) {
        this.newLine(this.pos);
        this.pos += 1;
        this.atLineStart = true;
      }
      return true;
    }
    if (continuationCol) {
      col = continuationCol;
      altCol = continuationCol;
    }
    const top = this.indents.length - 1;
    const lineCol = this.pos - this.lineStart;
    if (col === this.indents[top]) {
      if (altCol !== this.altIndents[top]) throw this.tabError(lineCol);
    } else if (col > this.indents[top]) {
      if (top + 1 >= MAX_INDENT_DEPTH) {
        throw this.fail('reached', 'IndentationError', 'too many levels of indentation', this.line, lineCol);
      }
      if (altCol <= this.altIndents[top]) throw this.tabError(lineCol);
      this.indents.push(col);
      this.altIndents.push(altCol);
      this.tokens.push(new Token('indent', '', null, this.line, 0, this.line, lineCol, 0));
    } else {
      let dedents = 0;
      while (this.indents.length > 1 && col < this.indents[this.indents.length - 1]) {
        this.indents.pop();
        this.altIndents.pop();
        dedents += 1;
      }
      const outer = this.indents.length - 1;
      if (col !== this.indents[outer]) {
        throw this.fail('reached', 'IndentationError', 'unindent does not match any outer indentation level', this.line, lineCol);
      }
      if (altCol !== this.altIndents[outer]) throw this.tabError(lineCol);
      for (let i = 0; i < dedents; i++) this.tokens.push(new Token('dedent', '', null, this.line, lineCol, this.line, lineCol, 0));
    }
    return false;
  }

  /** The offset of the newline ending the line at `from`, or the end. */
  private lineEnd(from: number): number {
    const newline = this.source.indexOf('\n', from);
    return newline < 0 || newline > this.end ? this.end : newline;
  }

  private tabError(col: number): TokenizerFailure {
    return this.fail('reached', 'TabError', 'inconsistent use of tabs and spaces in indentation', this.line, col);
  }

  /** `%matplotlib` followed by the end of the word: IPython's magic, accepted and ignored. */
  private isMatplotlibMagic(): boolean {
    if (!this.source.startsWith('%matplotlib', this.pos)) return false;
    const after = this.pos + '%matplotlib'.length;
    return after >= this.end || !isIdentifierChar(this.source, after, this.source.charCodeAt(after));
  }

  /** A backslash at `pos`: it must end the line, which then joins the next. */
  private continuation(): void {
    const next = this.code(this.pos + 1);
    if (next === LF) {
      this.newLine(this.pos + 1);
      this.pos += 2;
      return;
    }
    const col = this.pos + 1 - this.lineStart;
    if (next === EOF) throw this.fail('reached', 'SyntaxError', 'unexpected EOF while parsing', this.line, col);
    throw this.fail('reached', 'SyntaxError', 'unexpected character after line continuation character', this.line, col);
  }

  private endOfInput(): void {
    const open = this.bracketChars.length;
    if (open > 0 && !this.inFString) {
      const char = String.fromCharCode(this.bracketChars[open - 1]);
      throw this.fail('unclosed', 'SyntaxError', `'${char}' was never closed`, this.bracketLines[open - 1], this.bracketCols[open - 1]);
    }
    const last = this.tokens.length > 0 ? this.tokens[this.tokens.length - 1].type : 'newline';
    if (!this.inFString && last !== 'newline' && last !== 'dedent' && last !== 'indent') {
      this.push('newline', '', null, this.pos);
    }
    // CPython places the end of input on the line of the source's last newline
    if (!this.inFString && this.line > 1 && this.lineStart === this.end) {
      this.line -= 1;
      this.lineStart = this.source.lastIndexOf('\n', this.end - 2) + 1;
    }
    while (this.indents.length > 1) {
      this.indents.pop();
      this.push('dedent', '', null, this.pos);
    }
    this.push('end', '', null, this.pos);
  }

  // ---------------------------------------------------------------- numbers

  /** Digits with single underscores between them, after a first digit already seen. */
  private decimalTail(): void {
    for (;;) {
      let c = this.code(this.pos);
      while (isDigit(c)) c = this.code(++this.pos);
      if (c !== UNDERSCORE) return;
      this.pos += 1;
      if (!isDigit(this.code(this.pos))) throw this.raised('invalid decimal literal', this.pos);
    }
  }

  /**
   * After a number: a letter or digit may not follow, except a keyword that can (`1if x else 2`;
   * CPython checks that `and`, `else`, `for`, `or`, `not` end there, and only the second letter
   * of `if`, `in`, `is`).
   */
  private verifyEndOfNumber(kind: string): void {
    const c = this.code(this.pos);
    const s = this.source;
    const p = this.pos + 1;
    const keyword =
      (c === 97 && this.wordAt(p, 'nd')) ||
      (c === 101 && this.wordAt(p, 'lse')) ||
      (c === 102 && this.wordAt(p, 'or')) ||
      (c === 105 && (s.startsWith('f', p) || s.startsWith('n', p) || s.startsWith('s', p))) ||
      (c === 111 && this.wordAt(p, 'r')) ||
      (c === 110 && this.wordAt(p, 'ot'));
    if (!keyword && c !== EOF && isIdentifierChar(s, this.pos, c)) throw this.raised(`invalid ${kind} literal`, this.pos);
  }

  /** `rest` at `at`, not followed by a letter or digit. */
  private wordAt(at: number, rest: string): boolean {
    const after = at + rest.length;
    return this.source.startsWith(rest, at) && !(after < this.end && isIdentifierChar(this.source, after, this.source.charCodeAt(after)));
  }

  /** 0x, 0o, 0b digits (an underscore may follow the prefix). */
  private radixInteger(start: number, radix: 16 | 8 | 2, kind: string): void {
    this.pos += 2;
    let digits = 0;
    for (;;) {
      let c = this.code(this.pos);
      if (c === UNDERSCORE) c = this.code(++this.pos);
      const isRadixDigit = radix === 16 ? isHexDigit(c) : radix === 8 ? c >= DIGIT_0 && c <= DIGIT_7 : c === DIGIT_0 || c === DIGIT_1;
      if (!isRadixDigit) {
        if (isDigit(c)) throw this.raised(`invalid digit '${String.fromCharCode(c)}' in ${kind} literal`, this.pos);
        if (digits === 0 || this.code(this.pos - 1) === UNDERSCORE) throw this.raised(`invalid ${kind} literal`, this.pos);
        break;
      }
      digits += 1;
      this.pos += 1;
    }
    this.verifyEndOfNumber(kind);
    const text = this.source.slice(start, this.pos);
    this.push('number', '', BigInt(text.includes('_') ? text.replaceAll('_', '') : text), start);
  }

  private number(start: number): void {
    const first = this.code(start);
    if (first === DIGIT_0) {
      const x = this.code(start + 1) | 0x20;
      if (x === 120) return this.radixInteger(start, 16, 'hexadecimal');
      if (x === 111) return this.radixInteger(start, 8, 'octal');
      if (x === 98) return this.radixInteger(start, 2, 'binary');
    }
    let isFloat = false;
    if (first !== DOT) {
      this.pos += 1;
      this.decimalTail();
    }
    let c = this.code(this.pos);
    if (c === DOT) {
      isFloat = true;
      this.pos += 1;
      if (isDigit(this.code(this.pos))) this.decimalTail();
      c = this.code(this.pos);
    }
    if (c === 101 || c === 69) {
      const e = this.pos;
      let d = this.code(++this.pos);
      if (d === PLUS || d === MINUS) {
        d = this.code(++this.pos);
        if (!isDigit(d)) throw this.raised('invalid decimal literal', this.pos);
      }
      if (isDigit(d)) {
        isFloat = true;
        this.decimalTail();
      } else {
        this.pos = e;
      }
    }
    c = this.code(this.pos);
    if (c === 106 || c === 74) throw this.raised('imaginary numbers are not supported', start);
    this.verifyEndOfNumber('decimal');
    const raw = this.source.slice(start, this.pos);
    const text = raw.includes('_') ? raw.replaceAll('_', '') : raw;
    if (isFloat) {
      this.push('number', '', Number(text), start);
      return;
    }
    if (first === DIGIT_0 && text.length > 1) {
      for (let i = 1; i < text.length; i++) {
        if (text.charCodeAt(i) !== DIGIT_0) {
          throw this.raised('leading zeros in decimal integer literals are not permitted; use an 0o prefix for octal integers', start);
        }
      }
    }
    this.push('number', '', text.length <= 15 ? BigInt(decimalValue(text)) : BigInt(text), start);
  }

  // ---------------------------------------------------------------- strings

  /** A string literal starting at `start` (its prefix, if any), the quote at `pos`. */
  private string(start: number, raw: boolean, bytes: boolean, f: boolean): void {
    const startLine = this.line;
    const startCol = start - this.lineStart;
    const quote = this.code(this.pos);
    const triple = this.code(this.pos + 1) === quote && this.code(this.pos + 2) === quote;
    const bodyStart = this.pos + (triple ? 3 : 1);
    const bodyCol = bodyStart - this.lineStart;
    let pos = bodyStart;
    let escapes = false;
    let ascii = true;
    let bodyEnd: number;
    const source = this.source;
    const end = this.end;
    for (;;) {
      let c = pos < end ? source.charCodeAt(pos) : EOF;
      while (c > BACKSLASH ? c < 128 : c !== quote && c !== LF && c !== EOF && c !== BACKSLASH) {
        pos += 1;
        c = pos < end ? source.charCodeAt(pos) : EOF;
      }
      if (c === EOF) throw this.unterminated(triple, startLine, startCol);
      if (c === quote) {
        if (!triple) {
          bodyEnd = pos;
          pos += 1;
          break;
        }
        if (this.code(pos + 1) === quote && this.code(pos + 2) === quote) {
          bodyEnd = pos;
          pos += 3;
          break;
        }
      } else if (c === LF) {
        if (!triple) throw this.unterminated(triple, startLine, startCol);
        this.newLine(pos);
      } else if (c === BACKSLASH) {
        escapes = true;
        const next = this.code(pos + 1);
        if (next === EOF) {
          pos += 1;
          continue;
        }
        if (next === LF) this.newLine(pos + 1);
        pos += 2;
        continue;
      } else if (c >= 128) {
        ascii = false;
      }
      pos += 1;
    }
    this.pos = pos;
    const literal: StringLiteral = {
      kind: f ? 'fstring' : bytes ? 'bytes' : 'str',
      value: null,
      raw,
      bodyStart,
      bodyEnd,
      bodyLine: startLine,
      bodyCol,
    };
    const tokenStart = startCol;
    if (bytes) {
      if (!ascii) throw this.fail('raised', 'SyntaxError', 'bytes can only contain ASCII literal characters', startLine, startCol);
      const text = raw || !escapes ? this.source.slice(bodyStart, bodyEnd) : this.decode(bodyStart, bodyEnd, true, startLine, startCol);
      const value = new Uint8Array(text.length);
      for (let i = 0; i < text.length; i++) value[i] = text.charCodeAt(i);
      literal.value = value;
    } else if (!f) {
      literal.value = raw || !escapes ? this.source.slice(bodyStart, bodyEnd) : this.decode(bodyStart, bodyEnd, false, startLine, startCol);
    }
    this.tokens.push(new Token('string', '', literal, startLine, tokenStart, this.line, this.pos - this.lineStart, this.level()));
  }

  private unterminated(triple: boolean, line: number, col: number): TokenizerFailure {
    const what = triple ? 'triple-quoted string literal' : 'string literal';
    // at the end of the input, CPython counts no line after a final newline
    const atLine = triple && this.end > 0 && this.source.charCodeAt(this.end - 1) === LF ? this.line - 1 : this.line;
    return this.fail('raised', 'SyntaxError', `unterminated ${what} (detected at line ${atLine})`, line, col);
  }

  private decode(start: number, end: number, bytes: boolean, line: number, col: number): string {
    try {
      return decodeEscapes(this.source, start, end, bytes);
    } catch (error) {
      if (error instanceof EscapeError) throw this.fail('raised', 'SyntaxError', error.message, line, col);
      throw error;
    }
  }

  // ---------------------------------------------------------------- operators

  private operator(start: number, c: number): void {
    const next = this.code(start + 1);
    let text: string;
    switch (c) {
      case LPAREN:
      case LBRACKET:
      case LBRACE:
        if (this.bracketChars.length >= MAX_BRACKET_DEPTH) throw this.raised('too many nested parentheses', start);
        this.bracketChars.push(c);
        this.bracketLines.push(this.line);
        this.bracketCols.push(start - this.lineStart);
        text = c === LPAREN ? '(' : c === LBRACKET ? '[' : '{';
        break;
      case RPAREN:
      case RBRACKET:
      case RBRACE: {
        text = c === RPAREN ? ')' : c === RBRACKET ? ']' : '}';
        const open = this.bracketChars.length;
        if (open === 0) throw this.raised(`unmatched '${text}'`, start);
        const opening = this.bracketChars[open - 1];
        if (opening !== (c === RPAREN ? LPAREN : c === RBRACKET ? LBRACKET : LBRACE)) {
          const openLine = this.bracketLines[open - 1];
          const where = openLine !== this.line ? ` on line ${openLine}` : '';
          throw this.raised(
            `closing parenthesis '${text}' does not match opening parenthesis '${String.fromCharCode(opening)}'${where}`,
            start,
          );
        }
        this.bracketChars.pop();
        this.bracketLines.pop();
        this.bracketCols.pop();
        break;
      }
      case COLON:
        text = next === EQUAL ? ':=' : ':';
        break;
      case COMMA:
        text = ',';
        break;
      case SEMICOLON:
        text = ';';
        break;
      case DOT:
        text = next === DOT && this.code(start + 2) === DOT ? '...' : '.';
        break;
      case PLUS:
        text = next === EQUAL ? '+=' : '+';
        break;
      case MINUS:
        text = next === EQUAL ? '-=' : next === GREATER ? '->' : '-';
        break;
      case STAR:
        if (next === STAR) text = this.code(start + 2) === EQUAL ? '**=' : '**';
        else text = next === EQUAL ? '*=' : '*';
        break;
      case SLASH:
        if (next === SLASH) text = this.code(start + 2) === EQUAL ? '//=' : '//';
        else text = next === EQUAL ? '/=' : '/';
        break;
      case PERCENT:
        text = next === EQUAL ? '%=' : '%';
        break;
      case AT:
        text = next === EQUAL ? '@=' : '@';
        break;
      case AMPERSAND:
        text = next === EQUAL ? '&=' : '&';
        break;
      case PIPE:
        text = next === EQUAL ? '|=' : '|';
        break;
      case CARET:
        text = next === EQUAL ? '^=' : '^';
        break;
      case TILDE:
        text = '~';
        break;
      case EQUAL:
        text = next === EQUAL ? '==' : '=';
        break;
      case BANG:
        text = next === EQUAL ? '!=' : '!';
        break;
      case LESS:
        if (next === LESS) text = this.code(start + 2) === EQUAL ? '<<=' : '<<';
        else text = next === EQUAL ? '<=' : next === GREATER ? '<>' : '<';
        break;
      case GREATER:
        if (next === GREATER) text = this.code(start + 2) === EQUAL ? '>>=' : '>>';
        else text = next === EQUAL ? '>=' : '>';
        break;
      default:
        // `$`, `?`, a backquote: CPython's tokenizer passes them on as operators the parser rejects
        text = String.fromCharCode(c);
    }
    this.pos = start + text.length;
    this.push('op', text, null, start);
  }
}

class TokenizerFailure {
  constructor(
    readonly kind: TokenizerErrorKind,
    readonly error: PythonSyntaxError,
  ) {}
}

/** A bad escape sequence; its message is CPython's. */
export class EscapeError extends Error {}

const SIMPLE_ESCAPES: Record<number, string> = {
  [BACKSLASH]: '\\',
  [SINGLE_QUOTE]: "'",
  [DOUBLE_QUOTE]: '"',
  97: '\x07',
  98: '\b',
  102: '\f',
  110: '\n',
  114: '\r',
  116: '\t',
  118: '\v',
};

/**
 * Decodes the escape sequences of a non-raw literal's text `source[start, end)`. Unknown escapes
 * keep their backslash, as Python does; so does a backslash ending the range. For bytes, `\u`,
 * `\U` and `\N` are not escapes. Throws EscapeError.
 */
export function decodeEscapes(source: string, start: number, end: number, bytes: boolean): string {
  let out = '';
  let chunk = start;
  let i = start;
  const codec = bytes ? '(value error)' : "(unicode error) 'unicodeescape' codec can't decode bytes in";
  while (i < end) {
    if (source.charCodeAt(i) !== BACKSLASH) {
      i += 1;
      continue;
    }
    if (i + 1 >= end) break;
    out += source.slice(chunk, i);
    const c = source.charCodeAt(i + 1);
    const simple = SIMPLE_ESCAPES[c];
    let next = i + 2;
    if (simple !== undefined) {
      out += simple;
    } else if (c === LF) {
      // a backslash-newline continues the literal on the next line
    } else if (c >= DIGIT_0 && c <= DIGIT_7) {
      let value = c - DIGIT_0;
      while (next < end && next < i + 4) {
        const d = source.charCodeAt(next);
        if (d < DIGIT_0 || d > DIGIT_7) break;
        value = value * 8 + d - DIGIT_0;
        next += 1;
      }
      out += String.fromCharCode(bytes ? value & 0xff : value);
    } else if (c === 120 /* x */ || (!bytes && (c === 117 /* u */ || c === 85) /* U */)) {
      const width = c === 120 ? 2 : c === 117 ? 4 : 8;
      let value = 0;
      for (let k = 0; k < width; k++) {
        const d = next < end ? source.charCodeAt(next) : EOF;
        if (!isHexDigit(d)) {
          const position = i - start;
          const name = c === 120 ? '\\xXX' : c === 117 ? '\\uXXXX' : '\\UXXXXXXXX';
          throw new EscapeError(
            bytes
              ? `(value error) invalid \\x escape at position ${position}`
              : `${codec} position ${position}-${next - start - 1}: truncated ${name} escape`,
          );
        }
        value = value * 16 + parseInt(source[next], 16);
        next += 1;
      }
      if (value > 0x10ffff) throw new EscapeError(`${codec} position ${i - start}-${next - start - 1}: illegal Unicode character`);
      out += String.fromCodePoint(value);
    } else if (!bytes && c === 78 /* N */) {
      throw new EscapeError(`${codec} position ${i - start}-${i - start + 1}: \\N{...} escapes are not supported here`);
    } else {
      out += '\\';
      next = i + 1;
    }
    i = next;
    chunk = next;
  }
  return out + source.slice(chunk, end);
}
