import type { Position } from './lexer.js';

export type BinaryOperator = '+' | '-' | '*' | '/' | '**' | '@';
export type UnaryOperator = '-' | '+';

export interface NumberLiteral {
  kind: 'number';
  value: number;
  /** Written without a point or an exponent (`2`, not `2.0`). */
  integer: boolean;
  at: Position;
}

export interface NameRef {
  kind: 'name';
  name: string;
  at: Position;
}

/** `True`, `False`, `None`. */
export interface Constant {
  kind: 'constant';
  value: boolean | null;
  at: Position;
}

/** `(2, 3)` or `[2, 3]`. */
export interface Sequence {
  kind: 'sequence';
  brackets: 'tuple' | 'list';
  items: Expr[];
  at: Position;
}

export interface Unary {
  kind: 'unary';
  op: UnaryOperator;
  operand: Expr;
  at: Position;
}

export interface Binary {
  kind: 'binary';
  op: BinaryOperator;
  left: Expr;
  right: Expr;
  /** The operator's position. */
  at: Position;
}

/** `x.name` that is not called. */
export interface Attribute {
  kind: 'attribute';
  object: Expr;
  name: string;
  at: Position;
}

export interface Keyword {
  name: string;
  value: Expr;
  at: Position;
}

/** A function by name: `relu(x)`, `torch.sum(x)`, `F.mse_loss(a, b)`. */
export interface Call {
  kind: 'call';
  /** As written, prefixes included: `torch.nn.functional.relu`. */
  callee: string;
  args: Expr[];
  kwargs: Keyword[];
  at: Position;
}

/** `receiver.name(args)`. */
export interface MethodCall {
  kind: 'method';
  receiver: Expr;
  name: string;
  args: Expr[];
  kwargs: Keyword[];
  /** The method name's position. */
  at: Position;
}

export type Expr = NumberLiteral | NameRef | Constant | Sequence | Unary | Binary | Attribute | Call | MethodCall;

export interface Statement {
  /** Null for a bare expression. */
  target: string | null;
  expr: Expr;
  at: Position;
}

export interface Program {
  statements: Statement[];
}

/** Sub-expressions in Python's evaluation order. */
export function childrenOf(expr: Expr): readonly Expr[] {
  switch (expr.kind) {
    case 'number':
    case 'name':
    case 'constant':
      return [];
    case 'sequence':
      return expr.items;
    case 'unary':
      return [expr.operand];
    case 'binary':
      return [expr.left, expr.right];
    case 'attribute':
      return [expr.object];
    case 'call':
      return [...expr.args, ...expr.kwargs.map((k) => k.value)];
    case 'method':
      return [expr.receiver, ...expr.args, ...expr.kwargs.map((k) => k.value)];
  }
}

/**
 * Folds an expression bottom-up, children in evaluation order, with an
 * explicit stack: a 5000-term `a + a + ...` chain is a tree that deep.
 */
export function foldExpr<R>(root: Expr, visit: (expr: Expr, children: R[]) => R): R {
  const stack: { expr: Expr; children: readonly Expr[]; results: R[] }[] = [{ expr: root, children: childrenOf(root), results: [] }];
  for (;;) {
    const frame = stack[stack.length - 1];
    if (frame.results.length < frame.children.length) {
      const child = frame.children[frame.results.length];
      stack.push({ expr: child, children: childrenOf(child), results: [] });
      continue;
    }
    const value = visit(frame.expr, frame.results);
    stack.pop();
    if (stack.length === 0) return value;
    stack[stack.length - 1].results.push(value);
  }
}

/**
 * The tree as an S-expression, for tests and debugging:
 * `(= y (+ (** x 2) (* 2 x)))`, `(call torch.sum (** x 2))`, `(method x sum (kw dim 0))`.
 */
export function toSExpr(tree: Program | Statement | Expr): string {
  if ('statements' in tree) return tree.statements.map((s) => toSExpr(s)).join('\n');
  if ('target' in tree) {
    const expr = toSExpr(tree.expr);
    return tree.target === null ? expr : `(= ${tree.target} ${expr})`;
  }
  return foldExpr<string>(tree, (expr, children) => {
    const list = (...parts: string[]) => `(${parts.join(' ')})`;
    const withKeywords = (positional: string[], kwargs: Keyword[]) => {
      const keywords = children.slice(children.length - kwargs.length);
      return [...positional, ...kwargs.map((k, i) => list('kw', k.name, keywords[i]))];
    };
    switch (expr.kind) {
      case 'number':
        return String(expr.value);
      case 'name':
        return expr.name;
      case 'constant':
        return expr.value === null ? 'None' : expr.value ? 'True' : 'False';
      case 'sequence':
        return list(expr.brackets, ...children);
      case 'unary':
      case 'binary':
        return list(expr.op, ...children);
      case 'attribute':
        return list('.', children[0], expr.name);
      case 'call':
        return list('call', ...withKeywords([expr.callee, ...children.slice(0, expr.args.length)], expr.kwargs));
      case 'method':
        return list('method', ...withKeywords([children[0], expr.name, ...children.slice(1, 1 + expr.args.length)], expr.kwargs));
    }
  });
}
