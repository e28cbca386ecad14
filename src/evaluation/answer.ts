import type { Limits } from '../../schemas/limits.js';
import { chargeWork } from '../engine/meter.js';
import { ProblemError } from '../errors.js';
import { AnswerOverLimit } from '../python/answer_json.js';

/**
 * The answer size limit (maxAnswerBytes). An answer is refused as early as its
 * size can be known: from the request (inputs it will echo), after the program
 * ran but before any value is written out (elements of every tensor answered),
 * and at the latest when it is serialized.
 */

export type AnswerEncoding = 'json' | 'base64';

/** The fewest bytes `elements` values take: "0," each in JSON; 4/3 of their binary size in base64. */
export function minimumAnswerBytes(elements: number, encoding: AnswerEncoding | undefined, bytesPerElement: number): number {
  return encoding === 'base64' ? Math.ceil((elements * bytesPerElement * 4) / 3) : 2 * elements;
}

const HOW_TO_ASK_FOR_LESS = 'ask for less: name the tensors you need in "outputs", the fields in "fields" (e.g. ["data"]), or send values as binary with "encoding": "base64"';

/** 422 limit-exceeded naming maxAnswerBytes. */
export function answerTooLarge(size: string, maxAnswerBytes: number, hint: string = HOW_TO_ASK_FOR_LESS): ProblemError {
  return new ProblemError('limit-exceeded', `the answer would be ${size}, more than this service sends (maxAnswerBytes ${maxAnswerBytes}); ${hint}`, {
    limit: { name: 'maxAnswerBytes', value: maxAnswerBytes },
  });
}

/** Refuses an answer that will carry at least `elements` values before anything is written. */
export function refuseAnswerOf(elements: number, encoding: AnswerEncoding | undefined, bytesPerElement: number, limits: Pick<Limits, 'maxAnswerBytes'>): void {
  const bytes = minimumAnswerBytes(elements, encoding, bytesPerElement);
  if (bytes > limits.maxAnswerBytes) throw answerTooLarge(`at least ${bytes} bytes (${elements} values)`, limits.maxAnswerBytes);
}

/**
 * The answer as JSON text (JSON.stringify's, or `write`'s equal text or its UTF-8 bytes), refused
 * when it is longer than maxAnswerBytes. (Text of at most a third of the limit in UTF-16 units fits
 * whatever its characters.)
 */
export function serializeAnswer(
  answer: unknown,
  maxAnswerBytes: number,
  hint?: string,
  write: (answer: unknown, maxBytes: number) => string | Uint8Array = (value) => JSON.stringify(value),
): string | Uint8Array {
  let written: string | Uint8Array;
  try {
    written = write(answer, maxAnswerBytes);
  } catch (error) {
    if (error instanceof AnswerOverLimit) throw answerTooLarge(`more than ${maxAnswerBytes} bytes`, maxAnswerBytes, hint);
    // "Invalid string length": longer than any string V8 can hold.
    if (error instanceof RangeError) throw answerTooLarge('longer than a JavaScript string can be', maxAnswerBytes, hint);
    throw error;
  }
  const bytes = typeof written !== 'string' ? written.length : written.length <= maxAnswerBytes / 3 ? written.length : Buffer.byteLength(written);
  if (bytes > maxAnswerBytes) throw answerTooLarge(`${bytes} bytes`, maxAnswerBytes, hint);
  return written;
}

/** What an evaluate answer reads of each tensor it reports. */
export interface AnsweredTensor {
  numel: number;
  dtype: string;
  grad: { numel: number; dtype: string } | null;
}

const BYTES_PER_ELEMENT: Readonly<Record<string, number>> = { float32: 4, float64: 8, int64: 8, bool: 1 };

/**
 * Refuses an evaluate answer from the tensors it will report (after the
 * program ran, before any value is computed or written out): their data and
 * gradients at the fewest bytes each can take.
 */
export function refuseLargeEvaluateAnswer(
  answered: readonly (readonly [string, AnsweredTensor])[],
  options: { fields?: readonly string[]; encoding?: AnswerEncoding },
  limits: Pick<Limits, 'maxAnswerBytes'>,
): void {
  const data = options.fields === undefined || options.fields.includes('data');
  const grad = options.fields === undefined || options.fields.includes('grad');
  let bytes = 0;
  let elements = 0;
  for (const [, t] of answered) {
    if (data) {
      elements += t.numel;
      bytes += minimumAnswerBytes(t.numel, options.encoding, BYTES_PER_ELEMENT[t.dtype] ?? 8);
    }
    if (grad && t.grad !== null) {
      elements += t.grad.numel;
      bytes += minimumAnswerBytes(t.grad.numel, options.encoding, BYTES_PER_ELEMENT[t.grad.dtype] ?? 8);
    }
  }
  if (bytes > limits.maxAnswerBytes) throw answerTooLarge(`at least ${bytes} bytes (${elements} values)`, limits.maxAnswerBytes);
  // Writing the values out (nested arrays, then JSON) is work too: a large answer is not built on the event loop.
  chargeWork(elements * WORK_PER_ANSWER_VALUE);
}

/** Work units per value an answer writes: about 0.1 µs each for nested arrays and JSON text (4 units of a few ns). */
export const WORK_PER_ANSWER_VALUE = 4;
