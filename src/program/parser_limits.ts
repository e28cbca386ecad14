import type { Limits } from '../../schemas/limits.js';

/** The parser's limits, taken from the service's. */
export function parserLimits(limits: Limits) {
  return { maxLength: limits.maxExprLength, maxDepth: limits.maxDepth, maxStatements: limits.maxStatements, maxNodes: limits.maxStatements * 10 };
}
