/** Mutation of JSON request bodies for the property tests (fast-check draws the arguments). */
type Json = unknown;

/** One random edit somewhere in a JSON value: replace, delete, or add a key, or change a string. */
export function mutate(value: Json, path: number[], replacement: Json, text: string, mode: number): Json {
  if (path.length === 0 || value === null || typeof value !== 'object') {
    if (typeof value === 'string' && mode % 2 === 0) {
      const at = (path[0] ?? 0) % (value.length + 1);
      return value.slice(0, at) + text + value.slice(at);
    }
    return replacement;
  }
  const keys = Object.keys(value);
  if (keys.length === 0) return replacement;
  const key = keys[path[0] % keys.length];
  const copy: any = Array.isArray(value) ? [...value] : { ...value };
  if (path.length === 1 && mode % 3 === 0) {
    if (Array.isArray(copy)) copy.splice(Number(key), 1);
    else delete copy[key];
    return copy;
  }
  if (path.length === 1 && mode % 5 === 0 && !Array.isArray(copy)) {
    copy[text || '_'] = replacement;
    return copy;
  }
  copy[key] = mutate(copy[key], path.slice(1), replacement, text, mode);
  return copy;
}
