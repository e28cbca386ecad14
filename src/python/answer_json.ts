/**
 * The JSON text of a run answer, exactly as JSON.stringify writes it, with each long array of
 * numbers written once: a notebook's answer carries the same values again and again (the plotted
 * x of every line, then the tensor itself and its gradient in `variables`), and turning a double
 * into its shortest text is most of the time JSON.stringify spends on such an answer.
 */

/** Arrays shorter than this are written as they come (comparing would cost about as much). */
const REMEMBERED_FROM = 64;
/** How many long arrays are remembered while one answer is written. */
const REMEMBERED_ARRAYS = 16;

interface WrittenArray {
  values: readonly unknown[];
  text: string;
}

/** JSON.stringify(value) for plain data (objects, arrays, strings, numbers, booleans, null), long number arrays written once. */
export function answerJson(value: unknown): string {
  const written: WrittenArray[] = [];
  // concatenated (V8 keeps the pieces as a rope until the text is read; join copied each piece at once)
  let out = '';
  // An explicit stack (no recursion on the JS stack): a value to write, or a piece of text.
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const item = stack.pop();
    if (item instanceof TextPiece) {
      out += item.text;
      continue;
    }
    if (item === null || typeof item !== 'object') {
      out += JSON.stringify(item) ?? 'null';
      continue;
    }
    if (Array.isArray(item)) {
      if (item.length >= REMEMBERED_FROM && isFlat(item)) {
        out += flatArrayText(item, written);
        continue;
      }
      stack.push(CLOSE_BRACKET);
      for (let i = item.length - 1; i >= 0; i--) {
        // JSON.stringify writes undefined, functions and symbols in arrays as null
        const element: unknown = item[i];
        stack.push(element === undefined || typeof element === 'function' || typeof element === 'symbol' ? null : element);
        if (i > 0) stack.push(COMMA);
      }
      stack.push(OPEN_BRACKET);
      continue;
    }
    if (typeof (item as { toJSON?: unknown }).toJSON === 'function' || ArrayBuffer.isView(item)) {
      out += JSON.stringify(item);
      continue;
    }
    const record = item as Record<string, unknown>;
    const keys = Object.keys(record).filter((key) => {
      const v = record[key];
      return v !== undefined && typeof v !== 'function' && typeof v !== 'symbol';
    });
    stack.push(CLOSE_BRACE);
    for (let i = keys.length - 1; i >= 0; i--) {
      stack.push(record[keys[i]]);
      stack.push(new TextPiece((i > 0 ? ',' : '') + JSON.stringify(keys[i]) + ':'));
    }
    stack.push(OPEN_BRACE);
  }
  return out;
}

/** Text written as it is (brackets, commas, a key and its colon). */
class TextPiece {
  constructor(readonly text: string) {}
}

const OPEN_BRACKET = new TextPiece('[');
const CLOSE_BRACKET = new TextPiece(']');
const OPEN_BRACE = new TextPiece('{');
const CLOSE_BRACE = new TextPiece('}');
const COMMA = new TextPiece(',');

/** An array of numbers and strings only (the answer's wire arrays): JSON.stringify writes it natively. */
function isFlat(values: readonly unknown[]): boolean {
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (typeof v !== 'number' && typeof v !== 'string') return false;
  }
  return true;
}

/** The text of a flat array, reused when an array with the same elements was written before. */
function flatArrayText(values: readonly unknown[], written: WrittenArray[]): string {
  for (const entry of written) {
    if (entry.values === values || sameElements(entry.values, values)) return entry.text;
  }
  const text = JSON.stringify(values);
  if (written.length === REMEMBERED_ARRAYS) written.shift();
  written.push({ values, text });
  return text;
}

/** Same length and the same elements (=== : -0 and 0 are both written `0`, and NaN never reaches an answer's arrays). */
function sameElements(a: readonly unknown[], b: readonly unknown[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
