import { ProblemError } from '../errors.js';

/** 1-based line and column, 0-based offset (UTF-16 code units). */
export interface Position {
  line: number;
  column: number;
  offset: number;
}

export type TokenKind = 'number' | 'name' | 'keyword' | 'operator' | 'newline' | 'eof';

export interface Token extends Position {
  kind: TokenKind;
  text: string;
  /** Numbers only. */
  value?: number;
  /** Numbers only: written without a point or an exponent. */
  integer?: boolean;
  /** The end of input only: the innermost bracket still open there. */
  unclosed?: Token;
}

/** Python's reserved words; True, False and None are the only ones with a meaning here. */
export const KEYWORDS: ReadonlySet<string> = new Set([
  'False', 'None', 'True', 'and', 'as', 'assert', 'async', 'await', 'break', 'class', 'continue', 'def', 'del',
  'elif', 'else', 'except', 'finally', 'for', 'from', 'global', 'if', 'import', 'in', 'is', 'lambda', 'nonlocal',
  'not', 'or', 'pass', 'raise', 'return', 'try', 'while', 'with', 'yield',
]);

/** Every operator and delimiter Python has, longest first, so that `**` is not read as `*` `*`. */
const OPERATORS: readonly string[] = [
  '**=', '//=', '>>=', '<<=', '...',
  '**', '//', '==', '!=', '<=', '>=', '<<', '>>', '+=', '-=', '*=', '/=', '@=', '%=', '&=', '|=', '^=', '->', ':=',
  '+', '-', '*', '/', '@', '%', '(', ')', '[', ']', '{', '}', ',', '.', ';', '=', '<', '>', '&', '|', '^', '~', ':',
];

const OPENING = new Set(['(', '[', '{']);
const CLOSING = new Set([')', ']', '}']);

// Python's literal grammar: digits may be grouped with single underscores.
const DIGITS = String.raw`\d(?:_?\d)*`;
const EXPONENT = String.raw`[eE][+-]?${DIGITS}`;
const NUMBER = new RegExp(String.raw`(?:(?:${DIGITS})?\.${DIGITS}|${DIGITS}\.)(?:${EXPONENT})?|${DIGITS}(?:${EXPONENT})?`, 'y');
const IDENTIFIER = /[A-Za-z_][A-Za-z0-9_]*/y;
const IDENTIFIER_CHAR = /[A-Za-z0-9_]/;

/**
 * Splits source into tokens. Newlines inside brackets are not tokens (Python's
 * implicit line joining), nor is a backslash-newline; `#` starts a comment.
 */
export function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  const open: Token[] = [];
  let offset = 0;
  let line = 1;
  let lineStart = 0;

  const positionAt = (at: number): Position => ({ line, column: at - lineStart + 1, offset: at });
  const problemAt = (message: string, at: number) => new ProblemError('parse-error', message, { position: positionAt(at) });
  const push = (kind: TokenKind, text: string, at: number, extra: Partial<Token> = {}): Token => {
    const token: Token = { kind, text, ...positionAt(at), ...extra };
    tokens.push(token);
    return token;
  };
  /** A line break of `length` characters (2 for CRLF) at `at`. */
  const newLine = (at: number, length: number) => {
    if (open.length === 0) push('newline', '\n', at);
    line += 1;
    lineStart = at + length;
  };

  while (offset < source.length) {
    const char = source[offset];
    if (char === ' ' || char === '\t' || char === '\f') {
      offset += 1;
    } else if (char === '\n' || char === '\r') {
      const length = source.startsWith('\r\n', offset) ? 2 : 1;
      newLine(offset, length);
      offset += length;
    } else if (char === '#') {
      while (offset < source.length && source[offset] !== '\n' && source[offset] !== '\r') offset += 1;
    } else if (char === '\\') {
      const next = source.startsWith('\r\n', offset + 1) ? 2 : source[offset + 1] === '\n' || source[offset + 1] === '\r' ? 1 : 0;
      if (next === 0) throw problemAt('unexpected character after line continuation character', offset);
      line += 1;
      lineStart = offset + 1 + next;
      offset = lineStart;
    } else if (/\d/.test(char) || (char === '.' && /\d/.test(source[offset + 1] ?? ''))) {
      NUMBER.lastIndex = offset;
      const text = NUMBER.exec(source)![0];
      const end = offset + text.length;
      if (end < source.length && IDENTIFIER_CHAR.test(source[end])) throw problemAt('invalid decimal literal', offset);
      const digits = text.replaceAll('_', '');
      const integer = /^\d+$/.test(digits);
      if (integer && /^0+[1-9]/.test(digits)) {
        throw problemAt('leading zeros in decimal integer literals are not permitted; use an 0o prefix for octal integers', offset);
      }
      push('number', text, offset, { value: Number(digits), integer });
      offset = end;
    } else if (IDENTIFIER_CHAR.test(char)) {
      IDENTIFIER.lastIndex = offset;
      const text = IDENTIFIER.exec(source)![0];
      push(KEYWORDS.has(text) ? 'keyword' : 'name', text, offset);
      offset += text.length;
    } else if (char === '"' || char === "'") {
      throw problemAt('string literals are not supported', offset);
    } else {
      const operator = OPERATORS.find((op) => source.startsWith(op, offset));
      if (operator === undefined) {
        const codePoint = source.codePointAt(offset)!;
        const shown = String.fromCodePoint(codePoint);
        throw problemAt(`invalid character '${shown}' (U+${codePoint.toString(16).toUpperCase().padStart(4, '0')})`, offset);
      }
      const token = push('operator', operator, offset);
      if (OPENING.has(operator)) open.push(token);
      else if (CLOSING.has(operator)) open.pop();
      offset += operator.length;
    }
  }
  push('eof', '', source.length, open.length > 0 ? { unclosed: open[open.length - 1] } : {});
  return tokens;
}
