/**
 * Where a body that JSON.parse refused goes wrong, and what JSON wanted there.
 * V8's messages name a character offset only sometimes ("Unexpected token '}',
 * "{"a": }" is not valid JSON" names none), so this scanner reads the text
 * again (a loop with its own stack: any nesting) and stops at the first
 * mistake, naming it the way people make it: a trailing comma, single quotes,
 * NaN unquoted, a raw newline in a string.
 */

export interface JsonSyntaxError {
  /** What is wrong, without the position. */
  message: string;
  /** 0-based offset into the text, and the 1-based line and column it is at. */
  offset: number;
  line: number;
  column: number;
}

type Expect = 'value' | 'value-or-close' | 'key' | 'key-or-close' | 'colon' | 'comma-or-close' | 'end';

const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
const ESCAPES = new Set(['"', '\\', '/', 'b', 'f', 'n', 'r', 't']);
const HEX4 = /^[0-9A-Fa-f]{4}$/;

/** The character at `i` as a message names it. */
function shown(text: string, i: number): string {
  const c = text[i];
  if (c === '\n') return 'a line break';
  if (c === '\t') return 'a tab';
  return `'${text.slice(i, i + 1)}'`;
}

/** A value that is not JSON but looks like something people write. */
function notAValue(text: string, i: number): string {
  const rest = text.slice(i, i + 9);
  if (text[i] === "'") return "strings in JSON take double quotes (\"...\"), not single quotes";
  if (/^(NaN|-?Infinity)/.test(rest)) return 'NaN and Infinity are not JSON numbers: send them as the strings "NaN", "Infinity", "-Infinity"';
  if (/^(True|False|None)\b/.test(rest)) return `${/^\w+/.exec(rest)![0]} is Python: JSON writes true, false and null`;
  if (/^[A-Za-z_]/.test(rest)) return `expected a value, found ${/^\w+/.exec(rest)![0]} (strings take double quotes)`;
  return `expected a value, found ${shown(text, i)}`;
}

/** The end of the string starting at `start` (a '"'), or the mistake inside it. */
function scanString(text: string, start: number): { end: number } | { at: number; message: string } {
  for (let i = start + 1; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 0x22) return { end: i + 1 };
    if (code === 0x5c) {
      const next = text[i + 1];
      if (next === 'u') {
        if (!HEX4.test(text.slice(i + 2, i + 6))) return { at: i, message: 'a \\u escape takes four hex digits' };
        i += 5;
      } else if (next !== undefined && ESCAPES.has(next)) {
        i += 1;
      } else {
        return { at: i, message: `\\${next ?? ''} is not an escape JSON knows (\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)` };
      }
    } else if (code < 0x20) {
      return { at: i, message: `${code === 0x0a ? 'a line break' : 'a control character'} inside a string: write it as ${code === 0x0a ? '\\n' : '\\u' + code.toString(16).padStart(4, '0')}` };
    }
  }
  return { at: start, message: 'a string that never ends (no closing ")' };
}

function at(text: string, offset: number, message: string): JsonSyntaxError {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 0x0a) {
      line += 1;
      lineStart = i + 1;
    }
  }
  return { message, offset, line, column: offset - lineStart + 1 };
}

/** The first syntax mistake of `text`; null when it is valid JSON. */
export function jsonSyntaxError(text: string): JsonSyntaxError | null {
  const open: ('{' | '[')[] = [];
  let expect = 'value' as Expect;
  let i = 0;
  /** Where the last token started (a comma is a token of its own). */
  let previous = -1;
  const afterValue = () => {
    expect = open.length > 0 ? 'comma-or-close' : 'end';
  };
  const close = (c: string) => {
    open.pop();
    i += 1;
    afterValue();
    return c;
  };
  for (;;) {
    while (i < text.length && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r')) i++;
    if (i >= text.length) {
      if (expect === 'end') return null;
      const unclosed = open.length > 0 ? `: ${open.length} ${open.length === 1 ? 'bracket is' : 'brackets are'} still open (${open.map((o) => (o === '{' ? '}' : ']')).reverse().join('')} missing)` : '';
      return at(text, text.length, `the body ends too early${unclosed}`);
    }
    const c = text[i];
    const top = open.at(-1);
    const afterComma = text[previous] === ',';
    previous = i;
    switch (expect) {
      case 'value':
      case 'value-or-close': {
        if (c === ']' && expect === 'value-or-close') {
          close(c);
        } else if (c === '{' || c === '[') {
          open.push(c);
          i += 1;
          expect = c === '{' ? 'key-or-close' : 'value-or-close';
        } else if (c === '"') {
          const string = scanString(text, i);
          if ('at' in string) return at(text, string.at, string.message);
          i = string.end;
          afterValue();
        } else if (c === ']' && top === '[' && afterComma) {
          return at(text, i, "a trailing comma before ']': JSON allows none");
        } else {
          NUMBER.lastIndex = i;
          const literal = /^(true|false|null)/.exec(text.slice(i, i + 5))?.[0];
          if (NUMBER.test(text)) i = NUMBER.lastIndex;
          else if (literal !== undefined) i += literal.length;
          else return at(text, i, notAValue(text, i));
          afterValue();
        }
        break;
      }
      case 'key':
      case 'key-or-close':
        if (c === '"') {
          const string = scanString(text, i);
          if ('at' in string) return at(text, string.at, string.message);
          i = string.end;
          expect = 'colon';
        } else if (c === '}' && expect === 'key-or-close') {
          close(c);
        } else if (c === '}' && afterComma) {
          return at(text, i, "a trailing comma before '}': JSON allows none");
        } else {
          return at(text, i, c === "'" ? 'property names take double quotes ("...")' : `expected a property name in double quotes, found ${shown(text, i)}`);
        }
        break;
      case 'colon':
        if (c !== ':') return at(text, i, `expected ':' after the property name, found ${shown(text, i)}`);
        i += 1;
        expect = 'value';
        break;
      case 'comma-or-close': {
        const closer = top === '{' ? '}' : ']';
        if (c === ',') {
          i += 1;
          expect = top === '{' ? 'key' : 'value';
        } else if (c === closer) {
          close(c);
        } else {
          const what = top === '{' ? 'a property value' : 'an array element';
          const missing = /["{[\-0-9tfn]/.test(c) ? `a ',' is missing: ` : '';
          return at(text, i, `${missing}expected ',' or '${closer}' after ${what}, found ${shown(text, i)}`);
        }
        break;
      }
      case 'end':
        return at(text, i, `more text after the JSON value: ${shown(text, i)}`);
    }
  }
}
