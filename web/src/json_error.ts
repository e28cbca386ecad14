/** Where a JSON text first breaks the grammar, and what was expected there. */
export interface JsonSyntaxError {
  offset: number;
  /** 1-based, as editors count. */
  line: number;
  column: number;
  expected: string;
}

const WHITESPACE = new Set([' ', '\t', '\n', '\r']);
const ESCAPES = new Set(['"', '\\', '/', 'b', 'f', 'n', 'r', 't']);

/**
 * Scans `text` as JSON (RFC 8259) and reports the first place it is wrong, or null when it is
 * valid. Browsers' JSON.parse messages do not always say where; this does, in line and column.
 * Nesting is tracked on an explicit stack, so deep input never recurses.
 */
export function locateJsonError(text: string): JsonSyntaxError | null {
  let pos = 0;
  const stack: ('[' | '{')[] = [];
  const fail = (expected: string, at = pos): JsonSyntaxError => {
    const before = text.slice(0, at);
    const line = before.split('\n').length;
    return { offset: at, line, column: at - before.lastIndexOf('\n'), expected };
  };
  const skipWhitespace = () => {
    while (pos < text.length && WHITESPACE.has(text[pos])) pos++;
  };
  /** Scans a string starting at its opening quote; null when it is well formed. */
  const scanString = (): JsonSyntaxError | null => {
    pos++;
    while (pos < text.length) {
      const c = text[pos];
      if (c === '"') {
        pos++;
        return null;
      }
      if (c === '\\') {
        const next = text[pos + 1];
        if (next === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(pos + 2, pos + 6))) return fail('four hex digits after \\u', pos + 2);
          pos += 6;
        } else if (next !== undefined && ESCAPES.has(next)) {
          pos += 2;
        } else {
          return fail('an escape (\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX) after the backslash', pos + 1);
        }
        continue;
      }
      if (c < ' ') return fail(c === '\n' ? 'the closing " before the end of the line (write \\n for a line break)' : 'no control characters in a string', pos);
      pos++;
    }
    return fail('the closing " of the string');
  };
  const scanNumber = (): JsonSyntaxError | null => {
    const match = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(pos));
    if (!match || match[0] === '-') return fail('a digit');
    pos += match[0].length;
    if (/[.eE\d]/.test(text[pos] ?? '')) return fail('a digit: JSON numbers have no leading zeros, and a digit after "." and after "e"');
    return null;
  };
  const scanValue = (): JsonSyntaxError | null | 'opened' => {
    skipWhitespace();
    const c = text[pos];
    if (c === undefined) return fail('a value, but the text ends');
    if (c === '{' || c === '[') {
      stack.push(c);
      pos++;
      return 'opened';
    }
    if (c === '"') return scanString();
    if (c === '-' || (c >= '0' && c <= '9')) return scanNumber();
    for (const literal of ['true', 'false', 'null']) {
      if (text.startsWith(literal, pos)) {
        pos += literal.length;
        return null;
      }
    }
    if (c === "'") return fail('a value: JSON strings take double quotes (")');
    if (text.startsWith('NaN', pos) || text.startsWith('Infinity', pos)) return fail('a value: JSON has no NaN or Infinity; write "NaN", "Infinity" or "-Infinity" in quotes');
    if (c === '.') return fail('a value: a number needs a digit before "." (0.5)');
    return fail('a value (a number, "string", [array], {object}, true, false or null)');
  };
  /** After '{' or ',' inside an object: a key in double quotes, then ':'. */
  const scanKey = (): JsonSyntaxError | null => {
    skipWhitespace();
    if (text[pos] !== '"') return fail(text[pos] === '}' ? 'another property after ",": JSON allows no trailing comma' : 'a property name in double quotes');
    const error = scanString();
    if (error) return error;
    skipWhitespace();
    if (text[pos] !== ':') return fail('":" after the property name');
    pos++;
    return null;
  };

  // One loop: read a value, then close containers or move past ',' until the text ends.
  let needValue = true;
  for (;;) {
    if (needValue) {
      const result = scanValue();
      if (result !== null && result !== 'opened') return result;
      if (result === 'opened') {
        skipWhitespace();
        const open = stack[stack.length - 1];
        if (text[pos] === (open === '{' ? '}' : ']')) {
          stack.pop();
          pos++;
        } else if (open === '{') {
          const error = scanKey();
          if (error) return error;
          continue;
        } else {
          continue;
        }
      }
    }
    skipWhitespace();
    const open = stack[stack.length - 1];
    if (open === undefined) return pos < text.length ? fail('the end of the text after the JSON value') : null;
    const close = open === '{' ? '}' : ']';
    if (text[pos] === close) {
      stack.pop();
      pos++;
      needValue = false;
      continue;
    }
    if (text[pos] !== ',') return fail(text[pos] === undefined ? `"${close}", but the text ends` : `"," or "${close}"`);
    pos++;
    if (open === '{') {
      const error = scanKey();
      if (error) return error;
    } else {
      skipWhitespace();
      if (text[pos] === ']') return fail('another value after ",": JSON allows no trailing comma');
    }
    needValue = true;
  }
}
