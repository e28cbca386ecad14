/**
 * A tree-walking interpreter over Python's AST (Crafting Interpreters' Interpreter/Environment
 * shape): statements return a completion code, expressions a value, Python exceptions travel as
 * `PythonError`. Every statement and expression is a step: steps are charged to the work meter
 * and counted against the cell's step budget; calls are counted against the recursion limit.
 */
import { WORK_PER_STEP, chargeWork } from '../engine/meter.js';
import { Tensor } from '../engine/tensor.js';
import type * as ast from './ast.js';
import { comprehensionScopeInfo, functionScopeInfo, Scope } from './environment.js';
import { asPythonError, exceptionClass, isUncatchable, pyError, PythonError, StepBudgetExceeded } from './exceptions.js';
import {
  checkAttributeName,
  delAttr,
  delItem,
  dictSet,
  findAttr,
  getAttr,
  getItem,
  iterate,
  objectType,
  runtime,
  setAttr,
  setItem,
  str,
  toArray,
  truthy,
  typeName,
  typeOf,
  attributeError,
  keyOf as keyOfItem,
  PySuper,
  repr,
} from './objects.js';
import { binaryOp, compareOp, inplaceOp, unaryOp } from './operators.js';
import {
  ELLIPSIS,
  type Kwargs,
  PyBoundMethod,
  PyBuiltin,
  PyClass,
  PyClassMethod,
  PyContextManager,
  PyDict,
  PyException,
  PyFunction,
  PyInstance,
  PyList,
  PyModule,
  PyIterator as PyIteratorValue,
  PyObject,
  PySet,
  PySlice,
  PyStaticMethod,
  PyTuple,
  type PyValue,
  STOP,
} from './values.js';

/** What a statement tells the block around it. */
const NORMAL = 0;
const BREAK = 1;
const CONTINUE = 2;
const RETURN = 3;
type Completion = typeof NORMAL | typeof BREAK | typeof CONTINUE | typeof RETURN;

export interface InterpreterLimits {
  /** Statements and expressions one cell may evaluate before it stops with a TimeoutError. */
  maxStepsPerCell: number;
  /** Python frames deep a call may nest (CPython's default recursion limit). */
  recursionLimit: number;
  /** Characters print() may write in one cell. */
  maxOutputChars: number;
}

export const DEFAULT_INTERPRETER_LIMITS: InterpreterLimits = { maxStepsPerCell: 1_000_000, recursionLimit: 1000, maxOutputChars: 1_000_000 };

/** Imports a module by its dotted name for a program (modules/index.ts). */
export type ModuleLoader = (name: string) => PyModule;

/** The interpreter running now (runs are synchronous, so there is at most one). */
let active: Interpreter | null = null;

export function activeInterpreter(): Interpreter {
  if (active === null) throw new Error('no interpreter is running');
  return active;
}

/** A frame of a running Python function: what `super()` needs. */
interface Frame {
  readonly func: PyFunction;
  readonly scope: Scope;
}

export class Interpreter {
  readonly limits: InterpreterLimits;
  readonly globals: Scope;
  /** What print() wrote in the current cell. */
  stdout = '';
  /** Per-run state of modules (pyplot's figures, the random generator), by module name. */
  readonly moduleState = new Map<string, unknown>();
  /** The line of the cell's top-level code that is running (what an error reports). */
  line = 0;
  /** The cell's top-level statement that is running (where an error of /v1/evaluate points). */
  private statement: ast.Stmt | null = null;
  private steps = 0;
  private depth = 0;
  private returnValue: PyValue = null;
  /** Exceptions being handled (innermost last): what a bare `raise` re-raises. */
  private readonly handling: PythonError[] = [];
  private readonly frames: Frame[] = [];
  private readonly loadModule: ModuleLoader;
  private readonly importedModules = new Map<string, PyModule>();

  constructor(builtins: ReadonlyMap<string, PyValue>, loadModule: ModuleLoader, limits: InterpreterLimits = DEFAULT_INTERPRETER_LIMITS) {
    this.limits = limits;
    this.loadModule = loadModule;
    this.globals = Scope.module(builtins);
    this.globals.vars.set('__name__', '__main__');
  }

  /** Runs `fn` with this interpreter active (builtins and modules find it through activeInterpreter()). */
  enter<T>(fn: () => T): T {
    const previous = active;
    active = this;
    // Module-level functions that find the active interpreter: a closure over `this` stored in the
    // long-lived runtime object kept every run's interpreter, tensors and graph alive until a full GC.
    const previousCall = runtime.call;
    const previousCharge = runtime.charge;
    runtime.call = callActive;
    runtime.charge = chargeSteps;
    try {
      return fn();
    } finally {
      active = previous;
      runtime.call = previousCall;
      runtime.charge = previousCharge;
    }
  }

  /** print() output of the running cell. */
  write(text: string): void {
    this.chargeSteps(Math.ceil(text.length / 64));
    if (this.stdout.length + text.length > this.limits.maxOutputChars) {
      throw pyError('MemoryError', `the cell printed more than ${this.limits.maxOutputChars} characters`);
    }
    this.stdout += text;
  }

  /** Starts a cell: a fresh step budget and empty output. */
  beginCell(): void {
    this.steps = 0;
    this.stdout = '';
    this.line = 0;
    this.statement = null;
  }

  /**
   * Runs a module's statements in the global namespace. Returns the value of the last statement
   * when it is an expression statement (what Jupyter displays), else undefined.
   */
  runModule(module: ast.Module): PyValue | undefined {
    const body = module.body;
    const last = body.length - 1;
    for (let i = 0; i < body.length; i++) {
      const stmt = body[i];
      if (i === last && stmt.kind === 'Expr') {
        this.tick();
        this.line = stmt.lineno;
        this.statement = stmt;
        return this.eval(stmt.value, this.globals);
      }
      this.statement = stmt;
      const completion = this.exec(stmt, this.globals);
      if (completion !== NORMAL) throw pyError('SyntaxError', `'${completion === RETURN ? 'return' : completion === BREAK ? 'break' : 'continue'}' outside function`);
    }
    return undefined;
  }

  // ---------------------------------------------------------------- budget

  private tick(): void {
    if (++this.steps > this.limits.maxStepsPerCell) throw new StepBudgetExceeded(this.limits.maxStepsPerCell);
    chargeWork(WORK_PER_STEP);
  }

  /** Counts `units` steps of work done inside a built-in (a long list's repr, sum over a range). */
  chargeSteps(units: number): void {
    this.steps += units;
    if (this.steps > this.limits.maxStepsPerCell) throw new StepBudgetExceeded(this.limits.maxStepsPerCell);
    chargeWork(units * WORK_PER_STEP);
  }

  // ---------------------------------------------------------------- statements

  private execBlock(body: readonly ast.Stmt[], scope: Scope): Completion {
    for (let i = 0; i < body.length; i++) {
      const completion = this.exec(body[i], scope);
      if (completion !== NORMAL) return completion;
    }
    return NORMAL;
  }

  // exec and eval only dispatch: each kind is a method of its own, so the JS frames on the path of
  // a Python call stay small (about 1000 Python frames must fit in Node's stack).
  private exec(s: ast.Stmt, scope: Scope): Completion {
    this.tick();
    if (scope === this.globals) this.line = s.lineno;
    switch (s.kind) {
      case 'Expr':
        this.eval(s.value, scope);
        return NORMAL;
      case 'Assign':
        this.execAssign(s, scope);
        return NORMAL;
      case 'AugAssign':
        this.execAugAssign(s, scope);
        return NORMAL;
      case 'AnnAssign':
        if (s.value !== null) this.assign(s.target, this.eval(s.value, scope), scope);
        return NORMAL;
      case 'If':
        return this.execBlock(truthy(this.eval(s.test, scope)) ? s.body : s.orelse, scope);
      case 'For':
        return this.execFor(s, scope);
      case 'While':
        return this.execWhile(s, scope);
      case 'Return':
        return this.execReturn(s, scope);
      case 'Pass':
        return NORMAL;
      case 'Break':
        return BREAK;
      case 'Continue':
        return CONTINUE;
      case 'FunctionDef':
        scope.assign(s.name, this.defineFunction(s, scope));
        return NORMAL;
      case 'ClassDef':
        scope.assign(s.name, this.defineClass(s, scope));
        return NORMAL;
      case 'Import':
        this.execImport(s, scope);
        return NORMAL;
      case 'ImportFrom':
        this.execImportFrom(s, scope);
        return NORMAL;
      case 'Try':
        return s.finalbody.length === 0 ? this.execTryExcept(s, scope) : this.execTry(s, scope);
      case 'Raise':
        throw this.execRaise(s, scope);
      case 'Assert':
        this.execAssert(s, scope);
        return NORMAL;
      case 'With':
        return this.execWith(s, 0, scope);
      case 'Delete':
        for (const target of s.targets) this.deleteTarget(target, scope);
        return NORMAL;
      case 'Global':
      case 'Nonlocal':
        return NORMAL;
    }
  }

  private execAssign(s: ast.Assign, scope: Scope): void {
    const value = this.eval(s.value, scope);
    const targets = s.targets;
    for (let i = 0; i < targets.length; i++) this.assign(targets[i], value, scope);
  }

  private execReturn(s: ast.Return, scope: Scope): Completion {
    this.returnValue = s.value === null ? null : this.eval(s.value, scope);
    return RETURN;
  }

  private execAssert(s: ast.Assert, scope: Scope): void {
    if (truthy(this.eval(s.test, scope))) return;
    const cls = exceptionClass('AssertionError');
    const args = s.msg === null ? [] : [this.eval(s.msg, scope)];
    if (scope === this.globals) this.line = s.lineno;
    throw this.exceptionError(new PyException(cls, args));
  }

  private execAugAssign(s: ast.AugAssign, scope: Scope): void {
    const target = s.target;
    if (target.kind === 'Name') {
      const current = scope.lookup(target.id);
      const value = this.eval(s.value, scope);
      if (scope === this.globals) this.line = s.lineno;
      scope.assign(target.id, inplaceOp(s.op, current, value));
    } else if (target.kind === 'Attribute') {
      const obj = this.eval(target.value, scope);
      const current = getAttr(obj, target.attr);
      const value = this.eval(s.value, scope);
      if (scope === this.globals) this.line = s.lineno;
      setAttr(obj, target.attr, inplaceOp(s.op, current, value));
    } else {
      const obj = this.eval(target.value, scope);
      const index = this.evalIndex(target.slice, scope);
      const current = getItem(obj, index);
      const value = this.eval(s.value, scope);
      if (scope === this.globals) this.line = s.lineno;
      setItem(obj, index, inplaceOp(s.op, current, value));
    }
  }

  private execFor(s: ast.For, scope: Scope): Completion {
    const iterable = this.eval(s.iter, scope);
    const target = s.target;
    const simple = target.kind === 'Name' ? target.id : null;
    const it = iterate(iterable);
    for (;;) {
      if (scope === this.globals) this.line = s.lineno;
      const item = it.next();
      if (item === STOP) break;
      if (simple !== null) scope.assign(simple, item);
      else this.assign(target, item, scope);
      const completion = this.execBlock(s.body, scope);
      if (completion === BREAK) return NORMAL;
      if (completion === RETURN) return RETURN;
    }
    return this.execBlock(s.orelse, scope);
  }

  private execWhile(s: ast.While, scope: Scope): Completion {
    for (;;) {
      if (scope === this.globals) this.line = s.lineno;
      if (!truthy(this.eval(s.test, scope))) break;
      const completion = this.execBlock(s.body, scope);
      if (completion === BREAK) return NORMAL;
      if (completion === RETURN) return RETURN;
    }
    return this.execBlock(s.orelse, scope);
  }

  private execTry(s: ast.Try, scope: Scope): Completion {
    let completion: Completion;
    try {
      completion = this.execTryExcept(s, scope);
    } catch (thrown) {
      // the error is located where it was raised, then the finally body runs and the error goes
      // on (unless finally returns or breaks)
      const pyErr = isUncatchable(thrown) ? null : asPythonError(thrown);
      if (pyErr !== null) this.locate(pyErr);
      const error = pyErr ?? thrown;
      const saved = this.returnValue;
      const finalCompletion = this.execBlock(s.finalbody, scope);
      if (finalCompletion !== NORMAL && !isUncatchable(error)) return finalCompletion;
      this.returnValue = saved;
      throw error;
    }
    const saved = this.returnValue;
    const finalCompletion = this.execBlock(s.finalbody, scope);
    if (finalCompletion !== NORMAL) return finalCompletion;
    this.returnValue = saved;
    return completion;
  }

  private execTryExcept(s: ast.Try, scope: Scope): Completion {
    if (s.handlers.length === 0) {
      const completion = this.execBlock(s.body, scope);
      return completion === NORMAL ? this.execBlock(s.orelse, scope) : completion;
    }
    let completion: Completion;
    try {
      completion = this.execBlock(s.body, scope);
    } catch (error) {
      if (isUncatchable(error)) throw error;
      const pyErr = asPythonError(error);
      if (pyErr === null) throw error;
      this.locate(pyErr);
      for (const handler of s.handlers) {
        if (scope === this.globals) this.line = handler.lineno;
        if (handler.type !== null && !this.matches(pyErr.exception, this.eval(handler.type, scope))) continue;
        if (handler.name !== null) scope.assign(handler.name, pyErr.exception);
        this.handling.push(pyErr);
        try {
          return this.execBlock(handler.body, scope);
        } finally {
          this.handling.pop();
          if (handler.name !== null) scope.vars.delete(handler.name);
        }
      }
      throw pyErr;
    }
    return completion === NORMAL ? this.execBlock(s.orelse, scope) : completion;
  }

  /** Whether `except spec:` catches `exception` (spec a class or a tuple of classes). */
  private matches(exception: PyException, spec: PyValue): boolean {
    if (spec instanceof PyTuple) return spec.items.some((item) => this.matches(exception, item));
    if (!(spec instanceof PyClass) || !spec.isException) {
      throw pyError('TypeError', 'catching classes that do not inherit from BaseException is not allowed');
    }
    return exception.cls.isSubclassOf(spec);
  }

  private execRaise(s: ast.Raise, scope: Scope): Error {
    if (s.exc === null) {
      const current = this.handling[this.handling.length - 1];
      if (current === undefined) return pyError('RuntimeError', 'No active exception to reraise');
      return current;
    }
    const value = this.eval(s.exc, scope);
    if (s.cause !== null) this.eval(s.cause, scope);
    if (scope === this.globals) this.line = s.lineno;
    const exception = this.toException(value);
    return this.exceptionError(exception);
  }

  private toException(value: PyValue): PyException {
    if (value instanceof PyClass && value.isException) {
      const instance = this.call(value, [], null);
      if (instance instanceof PyException) return instance;
    }
    if (value instanceof PyException) return value;
    throw pyError('TypeError', 'exceptions must derive from BaseException');
  }

  /** A JS error for raising a Python exception object, located at the running line. */
  private exceptionError(exception: PyException): PythonError {
    const error = new PythonError(exception, str(exception));
    error.line = this.line;
    error.statement = this.statement;
    return error;
  }

  /** Records where an error was raised (the cell line and top-level statement running then), once. */
  locate(error: PythonError): void {
    if (error.line === null) error.line = this.line;
    error.statement ??= this.statement;
  }

  /** An AttributeError located at the attribute's name (in top-level code), where a caret should point. */
  private atAttribute(error: Error, e: ast.Attribute, scope: Scope): Error {
    if (error instanceof PythonError && scope === this.globals) error.column = e.end_col_offset - e.attr.length + 1;
    return error;
  }

  private execWith(s: ast.With, index: number, scope: Scope): Completion {
    if (index === s.items.length) return this.execBlock(s.body, scope);
    const item = s.items[index];
    const manager = this.eval(item.context_expr, scope);
    if (manager instanceof PyContextManager) {
      return manager.around(() => {
        if (item.optional_vars !== null) this.assign(item.optional_vars, null, scope);
        return this.execWith(s, index + 1, scope);
      });
    }
    const type = typeOf(manager);
    const enter = type.lookup('__enter__');
    const exit = type.lookup('__exit__');
    if (enter === undefined || exit === undefined) {
      throw pyError('TypeError', `'${typeName(manager)}' object does not support the context manager protocol`);
    }
    const entered = this.call(enter, [manager], null);
    if (item.optional_vars !== null) this.assign(item.optional_vars, entered, scope);
    let completion: Completion;
    try {
      completion = this.execWith(s, index + 1, scope);
    } catch (error) {
      if (isUncatchable(error)) throw error;
      const pyErr = asPythonError(error);
      if (pyErr === null) throw error;
      this.locate(pyErr);
      const suppress = this.call(exit, [manager, pyErr.exception.cls, pyErr.exception, null], null);
      if (truthy(suppress)) return NORMAL;
      throw pyErr;
    }
    this.call(exit, [manager, null, null, null], null);
    return completion;
  }

  private execImport(s: ast.Import, scope: Scope): void {
    for (const alias of s.names) {
      const module = this.importModule(alias.name);
      if (alias.asname !== null) scope.assign(alias.asname, module);
      else {
        const top = alias.name.split('.')[0];
        scope.assign(top, this.importModule(top));
      }
    }
  }

  private execImportFrom(s: ast.ImportFrom, scope: Scope): void {
    if (s.level > 0 || s.module === null) throw pyError('ImportError', 'attempted relative import with no known parent package');
    const module = this.importModule(s.module);
    for (const alias of s.names) {
      if (alias.name === '*') {
        for (const [name, value] of module.dict as Map<string, PyValue>) if (!name.startsWith('_')) scope.assign(name, value);
        continue;
      }
      checkAttributeName(alias.name);
      let value = (module.dict as Map<string, PyValue>).get(alias.name);
      if (value === undefined) {
        try {
          value = this.importModule(`${s.module}.${alias.name}`);
        } catch {
          throw pyError('ImportError', `cannot import name '${alias.name}' from '${s.module}'`);
        }
      }
      scope.assign(alias.asname ?? alias.name, value);
    }
  }

  importModule(name: string): PyModule {
    let module = this.importedModules.get(name);
    if (module === undefined) {
      module = this.loadModule(name);
      this.importedModules.set(name, module);
    }
    return module;
  }

  private deleteTarget(target: ast.Expr, scope: Scope): void {
    switch (target.kind) {
      case 'Name':
        scope.delete(target.id);
        return;
      case 'Attribute':
        delAttr(this.eval(target.value, scope), target.attr);
        return;
      case 'Subscript':
        delItem(this.eval(target.value, scope), this.evalIndex(target.slice, scope));
        return;
      case 'Tuple':
      case 'List':
        for (const elt of target.elts) this.deleteTarget(elt, scope);
        return;
      default:
        throw pyError('SyntaxError', 'cannot delete expression');
    }
  }

  // ---------------------------------------------------------------- assignment

  assign(target: ast.Expr, value: PyValue, scope: Scope): void {
    switch (target.kind) {
      case 'Name':
        scope.assign(target.id, value);
        return;
      case 'Attribute':
        setAttr(this.eval(target.value, scope), target.attr, value);
        return;
      case 'Subscript': {
        const obj = this.eval(target.value, scope);
        setItem(obj, this.evalIndex(target.slice, scope), value);
        return;
      }
      case 'Tuple':
      case 'List':
        this.unpack(target.elts, value, scope);
        return;
      case 'Starred':
        throw pyError('SyntaxError', 'starred assignment target must be in a list or tuple');
      default:
        throw pyError('SyntaxError', 'cannot assign to expression');
    }
  }

  private unpack(targets: readonly ast.Expr[], value: PyValue, scope: Scope): void {
    const starAt = targets.findIndex((t) => t.kind === 'Starred');
    const items = value instanceof PyTuple || value instanceof PyList ? value.items : this.unpackItems(value, starAt < 0 ? targets.length : -1);
    if (starAt < 0) {
      if (items.length !== targets.length) {
        if (items.length > targets.length) throw pyError('ValueError', `too many values to unpack (expected ${targets.length})`);
        throw pyError('ValueError', `not enough values to unpack (expected ${targets.length}, got ${items.length})`);
      }
      for (let i = 0; i < targets.length; i++) this.assign(targets[i], items[i], scope);
      return;
    }
    const after = targets.length - starAt - 1;
    if (items.length < targets.length - 1) {
      throw pyError('ValueError', `not enough values to unpack (expected at least ${targets.length - 1}, got ${items.length})`);
    }
    for (let i = 0; i < starAt; i++) this.assign(targets[i], items[i], scope);
    this.assign((targets[starAt] as ast.Starred).value, new PyList(items.slice(starAt, items.length - after)), scope);
    for (let i = 0; i < after; i++) this.assign(targets[starAt + 1 + i], items[items.length - after + i], scope);
  }

  /** The items of an iterable being unpacked (stops early once there are too many). */
  private unpackItems(value: PyValue, expected: number): PyValue[] {
    if (expected < 0) return toArray(value);
    const it = iterate(value);
    const items: PyValue[] = [];
    for (let item = it.next(); item !== STOP; item = it.next()) {
      items.push(item);
      if (items.length > expected) break;
    }
    return items;
  }

  // ---------------------------------------------------------------- definitions

  private defineFunction(s: ast.FunctionDef, scope: Scope): PyValue {
    const decorators = s.decorator_list.map((d) => this.eval(d, scope));
    const fn = this.makeFunction(s, s.name, scope, docstring(s.body));
    let result: PyValue = fn;
    for (let i = decorators.length - 1; i >= 0; i--) result = this.applyDecorator(decorators[i], result);
    return result;
  }

  private applyDecorator(decorator: PyValue, target: PyValue): PyValue {
    return this.call(decorator, [target], null);
  }

  private makeFunction(node: ast.FunctionDef | ast.Lambda, name: string, scope: Scope, doc: string | null): PyFunction {
    const defaults = node.args.defaults.map((d) => this.eval(d, scope));
    const kwDefaults = new Map<string, PyValue>();
    node.args.kwonlyargs.forEach((arg, i) => {
      const d = node.args.kw_defaults[i];
      if (d !== null) kwDefaults.set(arg.arg, this.eval(d, scope));
    });
    const qualname = scope.qualname === null ? name : `${scope.qualname}.${name}`;
    const closure = scope.kind === 'class' ? (scope.parent as Scope) : scope;
    return new PyFunction(name, qualname, node, closure, functionScopeInfo(node), defaults, kwDefaults, doc);
  }

  private defineClass(s: ast.ClassDef, scope: Scope): PyValue {
    const decorators = s.decorator_list.map((d) => this.eval(d, scope));
    const bases = s.bases.map((b) => {
      const base = this.eval(b, scope);
      if (!(base instanceof PyClass)) throw pyError('TypeError', 'bases must be types');
      return base;
    });
    if (s.keywords.length > 0) throw pyError('TypeError', 'class keyword arguments (metaclass=...) are not supported');
    const parent = scope.kind === 'class' ? (scope.parent as Scope) : scope;
    const body = new Scope('class', null, parent, scope.builtins);
    body.qualname = scope.qualname === null ? s.name : `${scope.qualname}.${s.name}`;
    const completion = this.execBlock(s.body, body);
    if (completion !== NORMAL) throw pyError('SyntaxError', "'return' outside function");
    const cls = new PyClass(s.name, '__main__', bases.length > 0 ? bases : [objectType]);
    if (bases.some((b) => b.construct !== null && !b.isException && b.lookup('apply') === undefined)) {
      throw pyError('TypeError', `subclassing built-in type '${bases.find((b) => b.construct !== null)?.name}' is not supported here`);
    }
    const dict = cls.dict as Map<string, PyValue>;
    for (const [name, value] of body.vars) {
      dict.set(name, value);
      const fn = value instanceof PyStaticMethod || value instanceof PyClassMethod ? value.func : value;
      if (fn instanceof PyFunction) fn.definingClass = cls;
    }
    dict.set('__doc__', docstring(s.body));
    let result: PyValue = cls;
    for (let i = decorators.length - 1; i >= 0; i--) result = this.applyDecorator(decorators[i], result);
    return result;
  }

  // ---------------------------------------------------------------- calls

  call(f: PyValue, args: PyValue[], kwargs: Kwargs): PyValue {
    if (f instanceof PyBuiltin) return f.fn(args, kwargs);
    if (f instanceof PyFunction) return this.callFunction(f, args, kwargs);
    if (f instanceof PyBoundMethod) return this.call(f.func, [f.self, ...args], kwargs);
    if (f instanceof PyClass) return this.instantiate(f, args, kwargs);
    if (f instanceof PyStaticMethod) return this.call(f.func, args, kwargs);
    const callMethod = f instanceof PyObject || f instanceof Tensor ? typeOf(f).lookup('__call__') : undefined;
    if (callMethod !== undefined) return this.call(callMethod, [f, ...args], kwargs);
    throw pyError('TypeError', `'${typeName(f)}' object is not callable`);
  }

  private callFunction(f: PyFunction, args: PyValue[], kwargs: Kwargs): PyValue {
    if (this.depth >= this.limits.recursionLimit || (this.depth >= 64 && !hasStackRoom())) {
      throw pyError('RecursionError', 'maximum recursion depth exceeded');
    }
    const scope = new Scope('function', f.info, f.closure, f.closure.builtins);
    scope.qualname = `${f.qualname}.<locals>`;
    bindParameters(f, args, kwargs, scope.vars);
    this.depth++;
    this.frames.push({ func: f, scope });
    try {
      const node = f.node;
      if (node.kind === 'Lambda') return this.eval(node.body, scope);
      const body = node.body;
      for (let i = 0; i < body.length; i++) {
        const completion = this.exec(body[i], scope);
        if (completion === RETURN) {
          const value = this.returnValue;
          this.returnValue = null;
          return value;
        }
        if (completion !== NORMAL) throw pyError('SyntaxError', `'${completion === BREAK ? 'break' : 'continue'}' outside loop`);
      }
      return null;
    } finally {
      this.depth--;
      this.frames.pop();
    }
  }

  private instantiate(cls: PyClass, args: PyValue[], kwargs: Kwargs): PyValue {
    if (cls.construct !== null) return cls.construct(args, kwargs);
    const native = nativeConstructor(cls);
    const init = cls.lookup('__init__');
    if (native !== null) {
      const instance = native.construct(cls, args, kwargs, init !== undefined && !(init instanceof PyBuiltin));
      if (init instanceof PyFunction) this.callInit(init, instance, args, kwargs);
      return instance;
    }
    const instance = new PyInstance(cls);
    if (init !== undefined) this.callInit(init, instance, args, kwargs);
    else if (args.length > 0 || (kwargs !== null && kwargs.size > 0)) throw pyError('TypeError', `${cls.name}() takes no arguments`);
    return instance;
  }

  private callInit(init: PyValue, instance: PyValue, args: PyValue[], kwargs: Kwargs): void {
    const result = this.call(init, [instance, ...args], kwargs);
    if (result !== null) throw pyError('TypeError', `__init__() should return None, not '${typeName(result)}'`);
  }

  /** `super()` inside a method: the defining class's next class in the MRO, bound to the first argument. */
  superOf(): PyValue {
    const frame = this.frames[this.frames.length - 1];
    const cls = frame?.func.definingClass ?? undefined;
    const firstParam = frame?.func.node.args.args[0]?.arg ?? frame?.func.node.args.posonlyargs[0]?.arg;
    const self = firstParam === undefined ? undefined : frame?.scope.vars.get(firstParam);
    if (cls === undefined || self === undefined) throw pyError('RuntimeError', 'super(): no arguments');
    return new PySuper(cls, self);
  }

  // ---------------------------------------------------------------- expressions

  eval(e: ast.Expr, scope: Scope): PyValue {
    this.tick();
    if (scope === this.globals) this.line = e.lineno;
    switch (e.kind) {
      case 'Constant':
        return constantValue(e.value);
      case 'Name':
        return scope.lookup(e.id);
      case 'Attribute':
        return this.evalAttribute(e, scope);
      case 'Call':
        return this.evalCall(e, scope);
      case 'BinOp':
        return this.evalBinOp(e, scope);
      case 'UnaryOp':
        return unaryOp(e.op, this.eval(e.operand, scope));
      case 'Compare':
        return this.evalCompare(e, scope);
      case 'BoolOp':
        return this.evalBoolOp(e, scope);
      case 'Subscript':
        return this.evalSubscript(e, scope);
      case 'IfExp':
        return this.eval(truthy(this.eval(e.test, scope)) ? e.body : e.orelse, scope);
      case 'List':
        return new PyList(this.evalElements(e.elts, scope));
      case 'Tuple':
        return new PyTuple(this.evalElements(e.elts, scope));
      case 'Set':
        return this.evalSet(e, scope);
      case 'Dict':
        return this.evalDict(e, scope);
      case 'ListComp':
      case 'SetComp':
      case 'DictComp':
      case 'GeneratorExp':
        return this.evalComprehension(e, scope);
      case 'Lambda':
        return this.makeFunction(e, '<lambda>', scope, null);
      case 'JoinedStr':
        return this.evalJoinedStr(e, scope);
      case 'FormattedValue':
        return this.formatValue(e, scope);
      case 'NamedExpr':
        return this.evalNamedExpr(e, scope);
      case 'Slice':
        return this.evalSlice(e, scope);
      case 'Starred':
        throw pyError('SyntaxError', "can't use starred expression here");
      case 'Yield':
      case 'YieldFrom':
        throw pyError('NotImplementedError', 'generators (yield) are not supported by this interpreter');
    }
  }

  private evalAttribute(e: ast.Attribute, scope: Scope): PyValue {
    const obj = this.eval(e.value, scope);
    // CPython 3.11 locates an attribute access (and a method call) at the attribute's own line
    if (scope === this.globals) this.line = e.end_lineno;
    checkAttributeName(e.attr);
    const found = findAttr(obj, e.attr);
    if (found === undefined) throw this.atAttribute(attributeError(obj, e.attr), e, scope);
    return found;
  }

  private evalBinOp(e: ast.BinOp, scope: Scope): PyValue {
    const left = this.eval(e.left, scope);
    const right = this.eval(e.right, scope);
    if (scope === this.globals) this.line = e.lineno;
    return binaryOp(e.op, left, right);
  }

  private evalBoolOp(e: ast.BoolOp, scope: Scope): PyValue {
    let value: PyValue = null;
    const and = e.op === 'And';
    for (const operand of e.values) {
      value = this.eval(operand, scope);
      if (and ? !truthy(value) : truthy(value)) return value;
    }
    return value;
  }

  private evalSubscript(e: ast.Subscript, scope: Scope): PyValue {
    const obj = this.eval(e.value, scope);
    const index = this.evalIndex(e.slice, scope);
    if (scope === this.globals) this.line = e.lineno;
    return getItem(obj, index);
  }

  private evalSet(e: ast.Set, scope: Scope): PyValue {
    const set = new PySet();
    for (const item of this.evalElements(e.elts, scope)) setAdd(set, item);
    return set;
  }

  private evalJoinedStr(e: ast.JoinedStr, scope: Scope): PyValue {
    let text = '';
    for (const part of e.values) text += part.kind === 'Constant' ? (part.value as string) : this.formatValue(part, scope);
    return text;
  }

  private evalNamedExpr(e: ast.NamedExpr, scope: Scope): PyValue {
    const value = this.eval(e.value, scope);
    scope.assignNamed(e.target.id, value);
    return value;
  }

  private evalIndex(e: ast.Expr, scope: Scope): PyValue {
    if (e.kind === 'Slice') return this.evalSlice(e, scope);
    if (e.kind === 'Tuple') return new PyTuple(e.elts.map((x) => (x.kind === 'Slice' ? this.evalSlice(x, scope) : this.eval(x, scope))));
    return this.eval(e, scope);
  }

  private evalSlice(e: ast.Slice, scope: Scope): PySlice {
    return new PySlice(
      e.lower === null ? null : this.eval(e.lower, scope),
      e.upper === null ? null : this.eval(e.upper, scope),
      e.step === null ? null : this.eval(e.step, scope),
    );
  }

  private evalElements(elts: readonly ast.Expr[], scope: Scope): PyValue[] {
    const out: PyValue[] = [];
    for (const elt of elts) {
      if (elt.kind === 'Starred') out.push(...toArray(this.eval(elt.value, scope)));
      else out.push(this.eval(elt, scope));
    }
    return out;
  }

  private evalDict(e: ast.Dict, scope: Scope): PyDict {
    const dict = new PyDict();
    for (let i = 0; i < e.keys.length; i++) {
      const key = e.keys[i];
      if (key === null) {
        const other = this.eval(e.values[i], scope);
        if (!(other instanceof PyDict)) throw pyError('TypeError', `'${typeName(other)}' object is not a mapping`);
        for (const [k, entry] of other.entries) dict.entries.set(k, [entry[0], entry[1]]);
      } else {
        const k = this.eval(key, scope);
        dictSet(dict, k, this.eval(e.values[i], scope));
      }
    }
    return dict;
  }

  private evalCompare(e: ast.Compare, scope: Scope): PyValue {
    let left = this.eval(e.left, scope);
    let result: PyValue = true;
    for (let i = 0; i < e.ops.length; i++) {
      const right = this.eval(e.comparators[i], scope);
      if (scope === this.globals) this.line = e.lineno;
      result = compareOp(e.ops[i], left, right);
      if (i < e.ops.length - 1 && !truthy(result)) return result;
      left = right;
    }
    return result;
  }

  private evalCall(e: ast.Call, scope: Scope): PyValue {
    const func = e.func;
    if (func.kind === 'Attribute') return this.evalMethodCall(e, func, scope);
    if (func.kind === 'Name' && func.id === 'super' && e.args.length === 0 && e.keywords.length === 0 && scope.lookup('super') === superBuiltin) {
      return this.superOf();
    }
    const callee = this.eval(func, scope);
    const args = this.evalArgs(e, scope, NO_SELF);
    const kwargs = e.keywords.length === 0 ? null : this.evalKeywords(e, callee, scope);
    if (scope === this.globals) this.line = e.lineno;
    return callee instanceof PyFunction ? this.callFunction(callee, args, kwargs) : this.call(callee, args, kwargs);
  }

  /** `obj.name(...)`: a method of the object's type is called with the object first (no bound method made). */
  private evalMethodCall(e: ast.Call, func: ast.Attribute, scope: Scope): PyValue {
    const obj = this.eval(func.value, scope);
    if (scope === this.globals) this.line = func.end_lineno;
    checkAttributeName(func.attr);
    const method = methodOf(obj, func.attr);
    let callee: PyValue;
    let self: PyValue = NO_SELF;
    if (method !== undefined) {
      callee = method;
      self = obj;
    } else {
      const attr = findAttr(obj, func.attr);
      if (attr === undefined) throw this.atAttribute(attributeError(obj, func.attr), func, scope);
      callee = attr;
    }
    const args = this.evalArgs(e, scope, self);
    const kwargs = e.keywords.length === 0 ? null : this.evalKeywords(e, callee, scope);
    if (scope === this.globals) this.line = func.end_lineno;
    return callee instanceof PyFunction ? this.callFunction(callee, args, kwargs) : this.call(callee, args, kwargs);
  }

  private evalArgs(e: ast.Call, scope: Scope, self: PyValue): PyValue[] {
    const args: PyValue[] = self === NO_SELF ? [] : [self];
    const nodes = e.args;
    for (let i = 0; i < nodes.length; i++) {
      const arg = nodes[i];
      if (arg.kind === 'Starred') args.push(...toArray(this.eval(arg.value, scope)));
      else args.push(this.eval(arg, scope));
    }
    return args;
  }

  private evalKeywords(e: ast.Call, callee: PyValue, scope: Scope): Kwargs {
    const kwargs = new Map<string, PyValue>();
    for (const keyword of e.keywords) {
      if (keyword.arg !== null) {
        if (kwargs.has(keyword.arg)) throw pyError('SyntaxError', `keyword argument repeated: ${keyword.arg}`);
        kwargs.set(keyword.arg, this.eval(keyword.value, scope));
        continue;
      }
      const mapping = this.eval(keyword.value, scope);
      if (!(mapping instanceof PyDict)) throw pyError('TypeError', `argument after ** must be a mapping, not ${typeName(mapping)}`);
      for (const [key, value] of mapping.entries.values()) {
        if (typeof key !== 'string') throw pyError('TypeError', 'keywords must be strings');
        if (kwargs.has(key)) throw pyError('TypeError', `${repr(callee)} got multiple values for keyword argument '${key}'`);
        kwargs.set(key, value);
      }
    }
    return kwargs;
  }

  private formatValue(e: ast.FormattedValue, scope: Scope): string {
    let value = this.eval(e.value, scope);
    if (e.conversion === 115) value = str(value);
    else if (e.conversion === 114) value = repr(value);
    else if (e.conversion === 97) value = asciiOf(repr(value));
    let spec = '';
    if (e.format_spec !== null) spec = this.eval(e.format_spec, scope) as string;
    return runtime.format(value, spec);
  }

  private evalComprehension(e: ast.ListComp | ast.SetComp | ast.DictComp | ast.GeneratorExp, scope: Scope): PyValue {
    const inner = new Scope('function', comprehensionScopeInfo(e), scope.kind === 'class' ? (scope.parent as Scope) : scope, scope.builtins);
    inner.qualname = scope.qualname;
    inner.comprehension = true;
    // the first iterable is evaluated in the enclosing scope
    const firstIterable = this.eval(e.generators[0].iter, scope);
    if (scope === this.globals) this.line = e.lineno;
    const results: PyValue[] = [];
    const dict = e.kind === 'DictComp' ? new PyDict() : null;
    const loop = (level: number, iterable: PyValue): void => {
      const generator = e.generators[level];
      const it = iterate(iterable);
      for (let item = it.next(); item !== STOP; item = it.next()) {
        this.tick();
        this.assign(generator.target, item, inner);
        if (!generator.ifs.every((cond) => truthy(this.eval(cond, inner)))) continue;
        if (level + 1 < e.generators.length) {
          loop(level + 1, this.eval(e.generators[level + 1].iter, inner));
        } else if (dict !== null) {
          const d = e as ast.DictComp;
          dictSet(dict, this.eval(d.key, inner), this.eval(d.value, inner));
        } else {
          results.push(this.eval((e as ast.ListComp).elt, inner));
        }
      }
    };
    loop(0, firstIterable);
    switch (e.kind) {
      case 'ListComp':
        return new PyList(results);
      case 'SetComp': {
        const set = new PySet();
        for (const item of results) setAdd(set, item);
        return set;
      }
      case 'DictComp':
        return dict as PyDict;
      case 'GeneratorExp': {
        let i = 0;
        return new PyIteratorValue('generator', () => (i < results.length ? results[i++] : STOP));
      }
    }
  }
}

// ---------------------------------------------------------------- helpers

/**
 * Whether Node's stack has room for another Python frame (and what it evaluates): recursing
 * STACK_PROBE_FRAMES small frames must not overflow. Deep Python recursion then stops with a
 * RecursionError before the call, never inside the engine; a stack overflow anywhere else is a
 * RecursionError too (exceptions.ts), the last resort.
 */
function hasStackRoom(): boolean {
  try {
    return probeStack(STACK_PROBE_FRAMES) === STACK_PROBE_FRAMES;
  } catch {
    return false;
  }
}

/** About 48 KB of JS stack in frames of this size. */
const STACK_PROBE_FRAMES = 600;

function probeStack(n: number): number {
  return n === 0 ? 0 : probeStack(n - 1) + 1;
}

/** Marks a call without a receiver (a unique object no program can see). */
const NO_SELF = new PyList([]);

/** Makes an instance of a class derived from a native one (exceptions). */
interface NativeBase {
  construct(cls: PyClass, args: PyValue[], kwargs: Kwargs, hasInit: boolean): PyValue;
}

function nativeConstructor(cls: PyClass): NativeBase | null {
  if (cls.isException) {
    return {
      construct: (c, args, kwargs, hasInit) => {
        if (!hasInit && kwargs !== null && kwargs.size > 0) throw pyError('TypeError', `${c.name}() takes no keyword arguments`);
        return new PyException(c, hasInit ? [] : args.slice());
      },
    };
  }
  return null;
}

export const superBuiltin = new PyBuiltin('super', () => {
  throw pyError('RuntimeError', 'super(): only the zero-argument form inside a method is supported');
});

/** A method found on the object's type, callable with the object as first argument (no bound method made). */
function methodOf(obj: PyValue, name: string): PyFunction | PyBuiltin | undefined {
  if (obj instanceof PyModule || obj instanceof PyClass || obj instanceof PySuper) return undefined;
  const attr = typeOf(obj).lookup(name);
  if (!(attr instanceof PyBuiltin) && !(attr instanceof PyFunction)) return undefined;
  if (obj instanceof PyObject && obj.dict !== null && obj.dict.has(name)) return undefined;
  return attr;
}

function constantValue(v: ast.ConstantValue): PyValue {
  if (typeof v === 'symbol') return ELLIPSIS;
  if (v instanceof Uint8Array) throw pyError('NotImplementedError', 'bytes literals are not supported by this interpreter');
  return v;
}

function docstring(body: readonly ast.Stmt[]): string | null {
  const first = body[0];
  if (first?.kind === 'Expr' && first.value.kind === 'Constant' && typeof first.value.value === 'string') return first.value.value;
  return null;
}

function asciiOf(text: string): string {
  let out = '';
  for (const ch of text) {
    const code = ch.codePointAt(0) as number;
    if (code < 0x80) out += ch;
    else if (code < 0x100) out += '\\x' + code.toString(16).padStart(2, '0');
    else if (code < 0x10000) out += '\\u' + code.toString(16).padStart(4, '0');
    else out += '\\U' + code.toString(16).padStart(8, '0');
  }
  return out;
}

function setAdd(set: PySet, item: PyValue): void {
  const key = keyOfItem(item);
  if (!set.entries.has(key)) set.entries.set(key, item);
}

/** Steps charged by built-ins that walk many items (one step per item). */
function chargeSteps(units: number): void {
  activeInterpreter().chargeSteps(units);
}

function callActive(f: PyValue, args: PyValue[], kwargs: Kwargs): PyValue {
  return activeInterpreter().call(f, args, kwargs);
}

// ---------------------------------------------------------------- parameter binding

/** Binds a call's arguments to a function's parameters with CPython's messages for mistakes. */
function bindParameters(f: PyFunction, args: PyValue[], kwargs: Kwargs, vars: Map<string, PyValue>): void {
  const spec = f.node.args;
  const posonly = spec.posonlyargs;
  const positional = posonly.length === 0 ? spec.args : [...posonly, ...spec.args];
  const nPositional = positional.length;
  // fast path: exactly the positional parameters, nothing else
  if (kwargs === null && args.length === nPositional && spec.vararg === null && spec.kwonlyargs.length === 0 && spec.kwarg === null) {
    for (let i = 0; i < nPositional; i++) vars.set(positional[i].arg, args[i]);
    return;
  }
  const name = f.qualname;
  const given = Math.min(args.length, nPositional);
  for (let i = 0; i < given; i++) vars.set(positional[i].arg, args[i]);
  if (args.length > nPositional) {
    if (spec.vararg === null) {
      const required = nPositional - spec.defaults.length;
      const takes = spec.defaults.length === 0 ? `${nPositional}` : `from ${required} to ${nPositional}`;
      const kwGiven = kwargs === null ? 0 : [...kwargs.keys()].filter((k) => spec.kwonlyargs.some((a) => a.arg === k)).length;
      const extra = kwGiven > 0 ? ` positional argument${args.length === 1 ? '' : 's'} (and ${kwGiven} keyword-only argument${kwGiven === 1 ? '' : 's'})` : '';
      throw pyError(
        'TypeError',
        `${name}() takes ${takes} positional argument${nPositional === 1 && spec.defaults.length === 0 ? '' : 's'} but ${args.length}${extra || ''} ${args.length === 1 && !extra ? 'was' : 'were'} given`,
      );
    }
  }
  if (spec.vararg !== null) vars.set(spec.vararg.arg, new PyTuple(args.slice(nPositional)));
  let extraKwargs: PyDict | null = null;
  if (spec.kwarg !== null) {
    extraKwargs = new PyDict();
    vars.set(spec.kwarg.arg, extraKwargs);
  }
  if (kwargs !== null) {
    for (const [key, value] of kwargs) {
      const index = positional.findIndex((p) => p.arg === key);
      if (index >= 0 && index >= posonly.length) {
        if (vars.has(key)) throw pyError('TypeError', `${name}() got multiple values for argument '${key}'`);
        vars.set(key, value);
      } else if (spec.kwonlyargs.some((a) => a.arg === key)) {
        vars.set(key, value);
      } else if (extraKwargs !== null) {
        dictSet(extraKwargs, key, value);
      } else if (index >= 0) {
        throw pyError('TypeError', `${name}() got some positional-only arguments passed as keyword arguments: '${key}'`);
      } else {
        throw pyError('TypeError', `${name}() got an unexpected keyword argument '${key}'`);
      }
    }
  }
  const firstDefault = nPositional - spec.defaults.length;
  const missing: string[] = [];
  for (let i = 0; i < nPositional; i++) {
    const param = positional[i].arg;
    if (vars.has(param)) continue;
    if (i >= firstDefault) vars.set(param, f.defaults[i - firstDefault]);
    else missing.push(param);
  }
  if (missing.length > 0) {
    throw pyError('TypeError', `${name}() missing ${missing.length} required positional argument${missing.length === 1 ? '' : 's'}: ${listNames(missing)}`);
  }
  const missingKw: string[] = [];
  for (const arg of spec.kwonlyargs) {
    if (vars.has(arg.arg)) continue;
    const d = f.kwDefaults.get(arg.arg);
    if (d !== undefined) vars.set(arg.arg, d);
    else missingKw.push(arg.arg);
  }
  if (missingKw.length > 0) {
    throw pyError('TypeError', `${name}() missing ${missingKw.length} required keyword-only argument${missingKw.length === 1 ? '' : 's'}: ${listNames(missingKw)}`);
  }
}

/** 'a' / 'a' and 'b' / 'a', 'b', and 'c', as CPython lists missing arguments. */
function listNames(names: string[]): string {
  const quoted = names.map((n) => `'${n}'`);
  if (quoted.length === 1) return quoted[0];
  if (quoted.length === 2) return `${quoted[0]} and ${quoted[1]}`;
  return `${quoted.slice(0, -1).join(', ')}, and ${quoted[quoted.length - 1]}`;
}

