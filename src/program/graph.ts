import { DEFAULT_LIMITS, type Limits } from '../../schemas/limits.js';

/**
 * The flat node list both program forms lower to: the expression form through
 * the parser, the JSON graph form directly. The executor reads only this.
 */

/** A string names an input or an earlier node; anything else is a Python value. */
export type GraphArg = string | number | boolean | null | readonly number[];

export interface GraphNode {
  id: string;
  op: string;
  args: GraphArg[];
  kwargs: Record<string, GraphArg>;
}

export interface LoweredProgram {
  /** Evaluation order. */
  nodes: GraphNode[];
  /** Each user-visible name (its last binding), in order of last assignment, with the node id, input name or literal it denotes. */
  named: [name: string, ref: GraphArg][];
  /** The last statement's name (`result` for a bare final expression). */
  result: string;
}

/**
 * How large a program may be: the service's limits (schemas/limits.ts, the one place they are
 * declared, each configurable), under their own names. The nodes a program lowers to are bounded
 * by these (an expression's by its length, a graph's by maxStatements) and its work by the meter.
 */
export type ProgramLimits = Pick<Limits, 'maxExprLength' | 'maxDepth' | 'maxStatements'>;

/** Limits not given are the service's defaults. */
export function resolveLimits(limits: Partial<ProgramLimits> = {}): ProgramLimits {
  return {
    maxExprLength: limits.maxExprLength ?? DEFAULT_LIMITS.maxExprLength,
    maxDepth: limits.maxDepth ?? DEFAULT_LIMITS.maxDepth,
    maxStatements: limits.maxStatements ?? DEFAULT_LIMITS.maxStatements,
  };
}
