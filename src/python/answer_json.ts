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
  const pieces: string[] = [];
  writeAnswerJson(value, (text) => pieces.push(text));
  return pieces.join('');
}

/**
 * answerJson's text as UTF-8 bytes, written piece by piece into reused memory. A notebook's answer
 * is ~160 kB: as one string it lands in V8's large-object space, and making it (flattening the
 * pieces, or joining them) took ~1–1.4 ms on this VM; so did copying it into fresh memory (each new
 * page is a fault here). The bytes of a big answer are a view of a reused buffer: hand them back
 * with releaseAnswerBytes once nothing reads them (the socket has written them; for a small
 * answer's own bytes it does nothing). AnswerOverLimit past `maxBytes`.
 */
export function answerJsonBytes(value: unknown, maxBytes = Infinity): Uint8Array {
  const out = new Utf8Writer(maxBytes);
  try {
    writeAnswerJson(value, (text) => out.write(text));
  } catch (error) {
    releaseAnswerBytes(out.bytes);
    throw error;
  }
  const bytes = out.bytes;
  if (bytes.length >= LENT_FROM) return bytes;
  // A small answer (most cells) gets bytes of its own at once: the reused buffer is not held while it is sent.
  const own = Buffer.allocUnsafe(bytes.length);
  own.set(bytes);
  releaseAnswerBytes(bytes);
  return own;
}

/** Answers shorter than this are copied out of the reused buffer (a small copy costs less than holding it). */
const LENT_FROM = 16 * 1024;

/** Buffers answers were written into, free to be written again (at most FREE_KEPT). */
const freeBuffers: Buffer[] = [];
/** The reused buffers handed out and not yet given back (a view is released once). */
const lentBuffers = new Set<ArrayBufferLike>();
const FREE_KEPT = 4;
/** A buffer grown past this is not kept for reuse (a rare huge answer is not kept alive). */
const KEPT_UP_TO = 4 * 1024 * 1024;
const FIRST_SIZE = 256 * 1024;

function lendBuffer(size: number): Buffer {
  let buffer = freeBuffers.pop();
  if (buffer === undefined || buffer.length < size) buffer = Buffer.allocUnsafeSlow(Math.max(FIRST_SIZE, size));
  lentBuffers.add(buffer.buffer);
  return buffer;
}

/** Gives back the memory of answerJsonBytes' bytes: it will be written again. */
export function releaseAnswerBytes(bytes: Uint8Array): void {
  if (!lentBuffers.delete(bytes.buffer)) return;
  const buffer = Buffer.from(bytes.buffer, 0, bytes.buffer.byteLength);
  if (buffer.length <= KEPT_UP_TO && freeBuffers.length < FREE_KEPT) freeBuffers.push(buffer);
}

/** Writes JSON.stringify(value)'s text as a sequence of pieces. */
function writeAnswerJson(value: unknown, write: (text: string) => void): void {
  const written: WrittenArray[] = [];
  // An explicit stack (no recursion on the JS stack): a value to write, or a piece of text.
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const item = stack.pop();
    if (item instanceof TextPiece) {
      write(item.text);
      continue;
    }
    if (item === null || typeof item !== 'object') {
      write(JSON.stringify(item) ?? 'null');
      continue;
    }
    if (Array.isArray(item)) {
      if (item.length >= REMEMBERED_FROM && isFlat(item)) {
        write(flatArrayText(item, written));
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
      write(JSON.stringify(item));
      continue;
    }
    const record = item as Record<string, unknown>;
    const keys = Object.keys(record);
    stack.push(CLOSE_BRACE);
    // members are pushed last first; the first one written has no comma before it
    let first = 0;
    while (first < keys.length && !isWritten(record[keys[first]])) first++;
    for (let i = keys.length - 1; i >= first; i--) {
      const v = record[keys[i]];
      if (!isWritten(v)) continue;
      stack.push(v);
      stack.push(keyPiece(keys[i], i > first));
    }
    stack.push(OPEN_BRACE);
  }
}

/** Thrown when an answer's bytes pass the limit they were written under (nothing more is written). */
export class AnswerOverLimit extends RangeError {
  constructor(readonly maxBytes: number) {
    super(`the answer is longer than ${maxBytes} bytes`);
  }
}

/** Text at most this long is copied by Utf8Writer itself. */
const SHORT_TEXT = 24;

/** Text appended as UTF-8 into a lent buffer. */
class Utf8Writer {
  private buffer = lendBuffer(0);
  private at = 0;
  constructor(private readonly maxBytes: number) {}

  write(text: string): void {
    // Each UTF-16 unit is at least one byte of UTF-8 and at most three (counted exactly for long text).
    if (this.at + text.length > this.maxBytes) throw new AnswerOverLimit(this.maxBytes);
    const room = text.length > 256 ? Buffer.byteLength(text, 'utf8') : 3 * text.length;
    if (this.at + room > this.buffer.length) this.grow(this.at + room);
    if (text.length <= SHORT_TEXT) {
      // short text (a key, a bracket, a number) is copied here while it is ASCII: a Buffer.write is a call into C++
      const buffer = this.buffer;
      let at = this.at;
      let i = 0;
      for (; i < text.length; i++) {
        const code = text.charCodeAt(i);
        if (code >= 0x80) break;
        buffer[at++] = code;
      }
      this.at = i === text.length ? at : at + buffer.write(text.slice(i), at, 'utf8');
    } else {
      this.at += this.buffer.write(text, this.at, 'utf8');
    }
    if (this.at > this.maxBytes) throw new AnswerOverLimit(this.maxBytes);
  }

  /** The bytes written so far (a view of the lent buffer). */
  get bytes(): Uint8Array {
    return this.buffer.subarray(0, this.at);
  }

  private grow(size: number): void {
    // doubling: the next answer, a little longer or shorter, fits the same buffer
    let length = 2 * this.buffer.length;
    while (length < size) length *= 2;
    const grown = lendBuffer(length);
    this.buffer.copy(grown, 0, 0, this.at);
    releaseAnswerBytes(this.buffer);
    this.buffer = grown;
  }
}

/** Text written as it is (brackets, commas, a key and its colon). */
class TextPiece {
  constructor(readonly text: string) {}
}

/** Whether JSON.stringify writes a member with this value (it leaves out undefined, functions and symbols). */
function isWritten(v: unknown): boolean {
  return v !== undefined && typeof v !== 'function' && typeof v !== 'symbol';
}

/**
 * `"key":` and `,"key":` pieces by key: an answer repeats the same few keys (stdout, data, shape,
 * ...) hundreds of times. Keys past KEYS_KEPT (variable names are the program's) are made each time.
 */
const keyPieces = new Map<string, [TextPiece, TextPiece]>();
const KEYS_KEPT = 512;

function keyPiece(key: string, afterAnother: boolean): TextPiece {
  let pieces = keyPieces.get(key);
  if (pieces === undefined) {
    const text = JSON.stringify(key) + ':';
    pieces = [new TextPiece(text), new TextPiece(',' + text)];
    if (keyPieces.size < KEYS_KEPT) keyPieces.set(key, pieces);
  }
  return pieces[afterAnother ? 1 : 0];
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
