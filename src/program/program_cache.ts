import type { GraphArg, LoweredProgram, ProgramLimits } from './graph.js';
import { type CompileOptions, compileExpression } from './lower.js';

/**
 * Lowered expression programs by their source and everything else lowering
 * reads (input names, custom function names, parser limits). Lowering is a pure
 * function of those, and a course's programs arrive again and again: lexing,
 * parsing and lowering `y = x**2 + 2*x + 1` took 30% of evaluating it. Cached
 * programs are frozen, so no run can change what the next one reads; a source
 * that fails to compile is not cached (its error is thrown again next time).
 */
const MAX_ENTRIES = 512;
/** Longer sources are compiled every time: the cache holds at most MAX_ENTRIES × this many characters of keys. */
const MAX_CACHED_SOURCE = 2048;

const cache = new Map<string, LoweredProgram>();
let enabled = true;

/** compileExpression, memoized (the oldest entries leave first). */
export function compileExpressionCached(source: string, options: CompileOptions): LoweredProgram {
  if (!enabled || source.length > MAX_CACHED_SOURCE) return compileExpression(source, options);
  const key = cacheKey(source, options);
  const hit = cache.get(key);
  if (hit !== undefined) return hit;
  const program = freezeProgram(compileExpression(source, options));
  if (cache.size >= MAX_ENTRIES) cache.delete(cache.keys().next().value as string);
  cache.set(key, program);
  return program;
}

/** Tests compare the cached and uncached paths; off, every call compiles. */
export function setProgramCache(on: boolean): void {
  enabled = on;
  cache.clear();
}

// Identifiers and limits never contain U+0000 or U+0001, so the fields cannot run into each other.
function cacheKey(source: string, options: CompileOptions): string {
  const limits: Partial<ProgramLimits> = options.limits ?? {};
  let key = `${source}\u0001${limits.maxExprLength}/${limits.maxDepth}/${limits.maxStatements}\u0001`;
  for (const name of options.inputs) key += name + '\u0000';
  key += '\u0001';
  for (const name of options.customFunctions ?? []) key += name + '\u0000';
  return key;
}

function freezeProgram(program: LoweredProgram): LoweredProgram {
  for (const node of program.nodes) {
    for (const arg of node.args) freezeArg(arg);
    for (const value of Object.values(node.kwargs)) freezeArg(value);
    Object.freeze(node.args);
    Object.freeze(node.kwargs);
    Object.freeze(node);
  }
  for (const entry of program.named) {
    freezeArg(entry[1]);
    Object.freeze(entry);
  }
  Object.freeze(program.nodes);
  Object.freeze(program.named);
  return Object.freeze(program);
}

function freezeArg(arg: GraphArg): void {
  if (Array.isArray(arg)) Object.freeze(arg);
}
