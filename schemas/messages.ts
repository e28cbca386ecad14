import { z } from 'zod';
import { nearestName } from '../src/nearest.js';

/**
 * zod's messages where the default does not teach. Installed once, by every
 * module that declares request schemas (schemas/tensor.ts is under all of them):
 *
 * - an unknown key names the nearest key the object takes ("input" → did you
 *   mean "inputs"?) or, without one, every key it takes.
 */

interface UnrecognizedKeysIssue {
  code: 'unrecognized_keys';
  keys: string[];
  inst?: { _zod?: { def?: { shape?: Record<string, unknown> } } };
}

/** The message for keys an object does not take. */
export function unknownKeysMessage(keys: readonly string[], accepted: readonly string[]): string {
  const each = keys.map((key) => {
    const near = nearestName(key, accepted);
    return near !== undefined ? `unknown key "${key}": did you mean "${near}"?` : `unknown key "${key}"`;
  });
  const suggested = keys.some((key) => nearestName(key, accepted) !== undefined);
  return suggested || accepted.length === 0 ? each.join('; ') : `${each.join('; ')} (this object takes ${accepted.join(', ')})`;
}

z.config({
  customError: (issue) => {
    if (issue.code !== 'unrecognized_keys') return undefined;
    const { keys, inst } = issue as unknown as UnrecognizedKeysIssue;
    return unknownKeysMessage(keys, Object.keys(inst?._zod?.def?.shape ?? {}));
  },
});
