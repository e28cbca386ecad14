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

/** How large a program may be. */
export interface ProgramLimits {
  /** Characters of source. */
  maxLength: number;
  /** Nesting of parentheses, calls and operators. */
  maxDepth: number;
  maxStatements: number;
  /** Nodes after lowering (or in the graph form). */
  maxNodes: number;
}

export const DEFAULT_MAX_LENGTH = 10_000;
export const DEFAULT_MAX_DEPTH = 64;
export const DEFAULT_MAX_STATEMENTS = 1000;
export const DEFAULT_MAX_NODES = 10_000;

export const DEFAULT_PROGRAM_LIMITS: Readonly<ProgramLimits> = Object.freeze({
  maxLength: DEFAULT_MAX_LENGTH,
  maxDepth: DEFAULT_MAX_DEPTH,
  maxStatements: DEFAULT_MAX_STATEMENTS,
  maxNodes: DEFAULT_MAX_NODES,
});

export function resolveLimits(limits: Partial<ProgramLimits> = {}): ProgramLimits {
  return {
    maxLength: limits.maxLength ?? DEFAULT_MAX_LENGTH,
    maxDepth: limits.maxDepth ?? DEFAULT_MAX_DEPTH,
    maxStatements: limits.maxStatements ?? DEFAULT_MAX_STATEMENTS,
    maxNodes: limits.maxNodes ?? DEFAULT_MAX_NODES,
  };
}
