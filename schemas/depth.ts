/**
 * Nesting limits checked before any schema walks a body: zod validates nested
 * arrays by recursion, so a body of 5000 nested arrays (a few kilobytes)
 * overflows the stack. This walk is a loop with its own stack and stops at the
 * first place past a limit, naming it with a JSON pointer.
 */

/** The most dimensions a tensor may have (zeros, ones, full, shape, and nested data alike). */
export const MAX_RANK = 8;
/** The deepest any body may nest objects and arrays: far beyond what a valid request needs (about 6 + MAX_RANK). */
export const MAX_BODY_NESTING = 32;

export const RANK_LIMIT_MESSAGE = `more than ${MAX_RANK} dimensions (the rank limit)`;

export interface NestingProblem {
  pointer: string;
  detail: string;
}

interface Frame {
  value: object;
  /** Containers from the root down to this one, itself included. */
  depth: number;
  /** Arrays directly nested in arrays down to this one (the tensor rank it would give). */
  rank: number;
  parent: Frame | null;
  key: string | number;
}

/** RFC 6901 pointer of a frame, built only when a problem is found. */
function pointerOf(frame: Frame): string {
  const parts: string[] = [];
  for (let f: Frame | null = frame; f !== null && f.parent !== null; f = f.parent) {
    parts.push('/' + String(f.key).replace(/~/g, '~0').replace(/\//g, '~1'));
  }
  return parts.reverse().join('');
}

/**
 * The first place (in document order) where `value` nests arrays more than
 * `maxRank` deep or containers more than `maxNesting` deep; null when none does.
 */
export function deepNestingProblem(value: unknown, maxRank: number = MAX_RANK, maxNesting: number = MAX_BODY_NESTING): NestingProblem | null {
  if (typeof value !== 'object' || value === null) return null;
  const stack: Frame[] = [{ value, depth: 1, rank: Array.isArray(value) ? 1 : 0, parent: null, key: '' }];
  while (stack.length > 0) {
    const frame = stack.pop() as Frame;
    if (frame.rank > maxRank) {
      return { pointer: pointerOf(frame), detail: `arrays nested ${maxRank + 1} or more deep: ${RANK_LIMIT_MESSAGE}` };
    }
    if (frame.depth > maxNesting) {
      return { pointer: pointerOf(frame), detail: `nested more than ${maxNesting} levels deep (limit of this service)` };
    }
    const container = frame.value;
    if (Array.isArray(container)) {
      // Pushed last to first, so they are visited in document order.
      for (let i = container.length - 1; i >= 0; i--) {
        const item: unknown = container[i];
        if (typeof item === 'object' && item !== null) {
          stack.push({ value: item, depth: frame.depth + 1, rank: Array.isArray(item) ? frame.rank + 1 : 0, parent: frame, key: i });
        }
      }
    } else {
      const keys = Object.keys(container);
      for (let i = keys.length - 1; i >= 0; i--) {
        const item: unknown = (container as Record<string, unknown>)[keys[i]];
        if (typeof item === 'object' && item !== null) {
          stack.push({ value: item, depth: frame.depth + 1, rank: Array.isArray(item) ? 1 : 0, parent: frame, key: keys[i] });
        }
      }
    }
  }
  return null;
}

/**
 * Body schemas whose items are checked one by one (batches: a deep item fails
 * alone, not the whole body); their schema never walks into an item.
 */
export const bodiesCheckedByItem = new WeakSet<object>();

/** What a fastify validator answers: the value, or an error (a 400 through the problem handler). */
type ValidatorResult = { value?: unknown; error?: Error } | boolean | undefined | object;

/**
 * Wraps a fastify validator compiler: every body is checked for nesting
 * (without recursion) before its schema walks it. The error is built by
 * `refuse`, so this file needs nothing of the HTTP layer.
 */
export function withNestingLimits<Route extends { httpPart?: string; schema?: unknown }, Result extends ValidatorResult>(
  compile: (route: Route) => (data: unknown) => Result,
  refuse: (problem: NestingProblem) => Error,
): (route: Route) => (data: unknown) => Result | { error: Error } {
  return (route) => {
    const validate = compile(route);
    if (route.httpPart !== 'body' || bodiesCheckedByItem.has(route.schema as object)) return validate;
    return (data) => {
      const problem = deepNestingProblem(data);
      return problem === null ? validate(data) : { error: refuse(problem) };
    };
  };
}
