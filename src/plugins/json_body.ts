import { errorCodes, type FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { ProblemError } from '../errors.js';
import { jsonSyntaxError } from './json_error.js';

/**
 * The JSON body parser. As fastify's own (secure-json-parse with protoAction
 * and constructorAction 'error'), a `__proto__` key or a `constructor` key
 * holding a `prototype` is refused, never merged, but as a 400 that says so
 * and points at the key, instead of "Body is not valid JSON".
 */

// The key as text, with any of its characters \u-escaped (what JSON.parse turns into the same key).
const PROTO_KEY = /"(?:_|\\u005[Ff])(?:_|\\u005[Ff])(?:p|\\u0070)(?:r|\\u0072)(?:o|\\u006[Ff])(?:t|\\u0074)(?:o|\\u006[Ff])(?:_|\\u005[Ff])(?:_|\\u005[Ff])"\s*:/;
const CONSTRUCTOR_KEY =
  /"(?:c|\\u0063)(?:o|\\u006[Ff])(?:n|\\u006[Ee])(?:s|\\u0073)(?:t|\\u0074)(?:r|\\u0072)(?:u|\\u0075)(?:c|\\u0063)(?:t|\\u0074)(?:o|\\u006[Ff])(?:r|\\u0072)"\s*:/;

/** RFC 6901: `~` and `/` inside a segment are escaped. */
function pointerOf(path: readonly (string | number)[]): string {
  return path.map((p) => '/' + String(p).replace(/~/g, '~0').replace(/\//g, '~1')).join('');
}

/** The first key (document order, no recursion) that would reach a prototype: its pointer and why. */
export function prototypeKey(value: unknown): { pointer: string; detail: string } | null {
  const stack: { value: unknown; path: (string | number)[] }[] = [{ value, path: [] }];
  while (stack.length > 0) {
    const { value: node, path } = stack.pop() as { value: unknown; path: (string | number)[] };
    if (typeof node !== 'object' || node === null) continue;
    if (!Array.isArray(node)) {
      if (Object.hasOwn(node, '__proto__')) {
        return { pointer: pointerOf([...path, '__proto__']), detail: 'a key named __proto__ is not allowed (it would set the prototype of an object)' };
      }
      const constructor = (node as Record<string, unknown>).constructor;
      if (Object.hasOwn(node, 'constructor') && typeof constructor === 'object' && constructor !== null && Object.hasOwn(constructor, 'prototype')) {
        return { pointer: pointerOf([...path, 'constructor', 'prototype']), detail: 'a constructor key holding a prototype key is not allowed' };
      }
    }
    const keys = Object.keys(node);
    for (let i = keys.length - 1; i >= 0; i--) {
      const key = keys[i];
      const child = (node as Record<string, unknown>)[key];
      if (typeof child === 'object' && child !== null) stack.push({ value: child, path: [...path, Array.isArray(node) ? Number(key) : key] });
    }
  }
  return null;
}

/** A JSON body's value; a ProblemError (or fastify's empty/invalid-body error) for text that is not one. */
export function parseJsonBody(text: string): unknown {
  if (text.length === 0) throw new errorCodes.FST_ERR_CTP_EMPTY_JSON_BODY();
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    // Where and what: line and column of the first mistake, in words people recognise (json_error.ts).
    const mistake = jsonSyntaxError(text);
    if (mistake === null) throw new errorCodes.FST_ERR_CTP_INVALID_JSON_BODY();
    const { message, line, column, offset } = mistake;
    throw new ProblemError('invalid-json', `the body is not valid JSON: ${message} (line ${line}, column ${column})`, { position: { line, column, offset } });
  }
  // Only bodies whose text has such a key are walked (as secure-json-parse does).
  if (PROTO_KEY.test(text) || CONSTRUCTOR_KEY.test(text)) {
    const found = prototypeKey(value);
    if (found) throw new ProblemError('invalid-request', `${found.pointer}: ${found.detail}`, { errors: [found] });
  }
  return value;
}

async function jsonBody(app: FastifyInstance): Promise<void> {
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    let value: unknown;
    try {
      value = parseJsonBody(body as string);
    } catch (error) {
      return done(error as Error, undefined);
    }
    done(null, value);
  });
}

export default fp(jsonBody, { name: 'json-body' });
