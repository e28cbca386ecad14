/**
 * Scopes and name resolution with Python's rules: a name assigned anywhere in a function is local
 * to all of it (decided once per function by `scopeInfo`), `global` and `nonlocal` redirect
 * assignments, class bodies are not visible from their methods, and module names fall back to the
 * builtins.
 */
import type * as ast from './ast.js';
import { nearestName } from '../nearest.js';
import { pyError } from './exceptions.js';
import type { PyValue } from './values.js';

/** What a function (or lambda, or comprehension) body binds, found before it runs. */
export interface ScopeInfo {
  /** Names local to the function: parameters and every name it binds. */
  readonly locals: ReadonlySet<string>;
  readonly globals: ReadonlySet<string>;
  readonly nonlocals: ReadonlySet<string>;
}

export type ScopeKind = 'module' | 'function' | 'class';

export class Scope {
  readonly vars = new Map<string, PyValue>();
  readonly kind: ScopeKind;
  readonly info: ScopeInfo | null;
  /** The enclosing function or module scope whose names a function sees (never a class body). */
  readonly parent: Scope | null;
  readonly module: Scope;
  readonly builtins: ReadonlyMap<string, PyValue>;
  /** The qualified-name prefix of functions defined here (`f.<locals>`, `SQ`); null at module level. */
  qualname: string | null = null;
  /** A comprehension's scope: `:=` inside it binds in the enclosing scope. */
  comprehension = false;

  constructor(kind: ScopeKind, info: ScopeInfo | null, parent: Scope | null, builtins: ReadonlyMap<string, PyValue>) {
    this.kind = kind;
    this.info = info;
    this.parent = parent;
    this.module = parent === null ? this : parent.module;
    this.builtins = builtins;
  }

  /** A fresh module scope (a notebook's namespace). */
  static module(builtins: ReadonlyMap<string, PyValue>): Scope {
    return new Scope('module', null, null, builtins);
  }

  /** The value of `name` as a Name expression reads it, or a NameError / UnboundLocalError. */
  lookup(name: string): PyValue {
    if (this.kind === 'module') return this.lookupGlobal(name);
    if (this.kind === 'class') {
      const value = this.vars.get(name);
      if (value !== undefined) return value;
      return (this.parent as Scope).lookupEnclosing(name);
    }
    const info = this.info as ScopeInfo;
    if (info.globals.has(name)) return this.module.lookupGlobal(name);
    if (info.locals.has(name) && !info.nonlocals.has(name)) {
      const value = this.vars.get(name);
      if (value === undefined) {
        throw pyError('UnboundLocalError', `cannot access local variable '${name}' where it is not associated with a value`);
      }
      return value;
    }
    return (this.parent as Scope).lookupEnclosing(name);
  }

  /** A free variable: the nearest enclosing function that binds it, else the module. */
  private lookupEnclosing(name: string): PyValue {
    let scope: Scope | null = this;
    while (scope !== null && scope.kind !== 'module') {
      const info = scope.info;
      if (info !== null && info.locals.has(name) && !info.globals.has(name) && !info.nonlocals.has(name)) {
        const value = scope.vars.get(name);
        if (value === undefined) {
          throw pyError('NameError', `cannot access free variable '${name}' where it is not associated with a value in enclosing scope`);
        }
        return value;
      }
      scope = scope.parent;
    }
    return this.module.lookupGlobal(name);
  }

  lookupGlobal(name: string): PyValue {
    const value = this.module.vars.get(name);
    if (value !== undefined) return value;
    const builtin = this.builtins.get(name);
    if (builtin !== undefined) return builtin;
    const error = pyError('NameError', `name '${name}' is not defined`);
    error.suggestion = () => nearestName(name, [...this.module.vars.keys(), ...this.builtins.keys()]);
    throw error;
  }

  /** Binds `name` where an assignment in this scope binds it. */
  assign(name: string, value: PyValue): void {
    this.scopeBinding(name).vars.set(name, value);
  }

  /** `name := value`: binds in the nearest scope that is not a comprehension's. */
  assignNamed(name: string, value: PyValue): void {
    let scope: Scope = this;
    while (scope.comprehension && scope.parent !== null) scope = scope.parent;
    scope.assign(name, value);
  }

  /** `del name`. */
  delete(name: string): void {
    const scope = this.scopeBinding(name);
    if (!scope.vars.delete(name)) {
      if (scope.kind === 'function') {
        throw pyError('UnboundLocalError', `cannot access local variable '${name}' where it is not associated with a value`);
      }
      throw pyError('NameError', `name '${name}' is not defined`);
    }
  }

  private scopeBinding(name: string): Scope {
    const info = this.info;
    if (info === null) return this;
    if (info.globals.has(name)) return this.module;
    if (info.nonlocals.has(name)) {
      let scope = this.parent;
      while (scope !== null && scope.kind === 'function') {
        if (scope.info?.locals.has(name) && !scope.info.nonlocals.has(name)) return scope;
        scope = scope.parent;
      }
    }
    return this;
  }
}

// ---------------------------------------------------------------- static analysis

const infos = new WeakMap<object, ScopeInfo>();

/** The names a function or lambda binds (computed once per definition node). */
export function functionScopeInfo(node: ast.FunctionDef | ast.Lambda): ScopeInfo {
  let info = infos.get(node);
  if (info === undefined) {
    const collector = new Collector();
    collector.addArguments(node.args);
    if (node.kind === 'Lambda') collector.expr(node.body);
    else collector.block(node.body);
    info = collector.info();
    infos.set(node, info);
  }
  return info;
}

/** A comprehension's own scope: the names its `for` targets bind. */
export function comprehensionScopeInfo(node: ast.ListComp | ast.SetComp | ast.DictComp | ast.GeneratorExp): ScopeInfo {
  let info = infos.get(node);
  if (info === undefined) {
    const collector = new Collector();
    for (const generator of node.generators) collector.target(generator.target);
    info = collector.info();
    infos.set(node, info);
  }
  return info;
}

/** Walks a body with an explicit stack of statements (no recursion on nesting depth). */
class Collector {
  private readonly locals = new Set<string>();
  private readonly globals = new Set<string>();
  private readonly nonlocals = new Set<string>();

  info(): ScopeInfo {
    for (const name of this.globals) this.locals.delete(name);
    return { locals: this.locals, globals: this.globals, nonlocals: this.nonlocals };
  }

  addArguments(args: ast.Arguments): void {
    for (const a of [...args.posonlyargs, ...args.args, ...args.kwonlyargs]) this.locals.add(a.arg);
    if (args.vararg) this.locals.add(args.vararg.arg);
    if (args.kwarg) this.locals.add(args.kwarg.arg);
  }

  target(target: ast.Expr): void {
    const stack: ast.Expr[] = [target];
    while (stack.length > 0) {
      const t = stack.pop() as ast.Expr;
      if (t.kind === 'Name') this.locals.add(t.id);
      else if (t.kind === 'Tuple' || t.kind === 'List') stack.push(...t.elts);
      else if (t.kind === 'Starred') stack.push(t.value);
      else this.expr(t);
    }
  }

  /** Walrus targets inside an expression (not inside nested lambdas or comprehensions' own scopes). */
  expr(root: ast.Expr): void {
    const stack: ast.Node[] = [root];
    while (stack.length > 0) {
      const node = stack.pop() as ast.Node;
      if (node.kind === 'NamedExpr') this.locals.add(node.target.id);
      if (node.kind === 'Lambda') {
        stack.push(...node.args.defaults, ...(node.args.kw_defaults.filter(Boolean) as ast.Expr[]));
        continue;
      }
      for (const child of expressionChildren(node)) stack.push(child);
    }
  }

  block(body: readonly ast.Stmt[]): void {
    const stack: ast.Stmt[] = [...body];
    while (stack.length > 0) {
      const s = stack.pop() as ast.Stmt;
      switch (s.kind) {
        case 'FunctionDef':
          this.locals.add(s.name);
          for (const d of s.decorator_list) this.expr(d);
          for (const d of s.args.defaults) this.expr(d);
          break;
        case 'ClassDef':
          this.locals.add(s.name);
          for (const b of s.bases) this.expr(b);
          break;
        case 'Assign':
          for (const t of s.targets) this.target(t);
          this.expr(s.value);
          break;
        case 'AugAssign':
          this.target(s.target);
          this.expr(s.value);
          break;
        case 'AnnAssign':
          this.target(s.target);
          if (s.value) this.expr(s.value);
          break;
        case 'Delete':
          for (const t of s.targets) this.target(t);
          break;
        case 'For':
          this.target(s.target);
          this.expr(s.iter);
          stack.push(...s.body, ...s.orelse);
          break;
        case 'While':
        case 'If':
          this.expr(s.test);
          stack.push(...s.body, ...s.orelse);
          break;
        case 'With':
          for (const item of s.items) {
            this.expr(item.context_expr);
            if (item.optional_vars) this.target(item.optional_vars);
          }
          stack.push(...s.body);
          break;
        case 'Try':
          stack.push(...s.body, ...s.orelse, ...s.finalbody);
          for (const h of s.handlers) {
            if (h.name) this.locals.add(h.name);
            stack.push(...h.body);
          }
          break;
        case 'Import':
          for (const a of s.names) this.locals.add(a.asname ?? a.name.split('.')[0]);
          break;
        case 'ImportFrom':
          for (const a of s.names) this.locals.add(a.asname ?? a.name);
          break;
        case 'Global':
          for (const n of s.names) this.globals.add(n);
          break;
        case 'Nonlocal':
          for (const n of s.names) this.nonlocals.add(n);
          break;
        case 'Return':
          if (s.value) this.expr(s.value);
          break;
        case 'Expr':
          this.expr(s.value);
          break;
        case 'Raise':
        case 'Assert':
        case 'Pass':
        case 'Break':
        case 'Continue':
          break;
      }
    }
  }
}

/** The sub-expressions of a node that belong to the same scope. */
function expressionChildren(node: ast.Node): ast.Expr[] {
  switch (node.kind) {
    case 'BoolOp':
      return node.values;
    case 'NamedExpr':
      return [node.value];
    case 'BinOp':
      return [node.left, node.right];
    case 'UnaryOp':
      return [node.operand];
    case 'IfExp':
      return [node.test, node.body, node.orelse];
    case 'Dict':
      return [...(node.keys.filter(Boolean) as ast.Expr[]), ...node.values];
    case 'Set':
    case 'List':
    case 'Tuple':
      return node.elts;
    case 'ListComp':
    case 'SetComp':
    case 'GeneratorExp':
      // `:=` inside a comprehension binds in the enclosing function
      return [node.elt, ...node.generators.flatMap((g) => [g.iter, ...g.ifs])];
    case 'DictComp':
      return [node.key, node.value, ...node.generators.flatMap((g) => [g.iter, ...g.ifs])];
    case 'Compare':
      return [node.left, ...node.comparators];
    case 'Call':
      return [node.func, ...node.args, ...node.keywords.map((k) => k.value)];
    case 'FormattedValue':
      return node.format_spec ? [node.value, node.format_spec] : [node.value];
    case 'JoinedStr':
      return node.values;
    case 'Attribute':
    case 'Starred':
    case 'YieldFrom':
      return [node.value];
    case 'Yield':
      return node.value ? [node.value] : [];
    case 'Subscript':
      return [node.value, node.slice];
    case 'Slice':
      return [node.lower, node.upper, node.step].filter(Boolean) as ast.Expr[];
    default:
      return [];
  }
}
