/**
 * Python's exception classes (the built-in hierarchy of 3.11 that programs meet) and the JS error
 * that carries a raised Python exception through the interpreter. Exceptions are mapped to
 * problem codes only at the HTTP edge; inside a run they are results of a cell.
 */
import { ProblemError } from '../errors.js';
import { WorkLimitExceeded } from '../engine/meter.js';
import { FormatError } from './format.js';
import { PyBuiltin, PyClass, PyException, type PyValue } from './values.js';

const BUILTIN_EXCEPTIONS = new Map<string, PyClass>();

function define(name: string, base: PyClass | null): PyClass {
  const cls = new PyClass(name, 'builtins', base ? [base] : []);
  BUILTIN_EXCEPTIONS.set(name, cls);
  return cls;
}

export const BaseException = define('BaseException', null);
export const SystemExit = define('SystemExit', BaseException);
export const KeyboardInterrupt = define('KeyboardInterrupt', BaseException);
export const GeneratorExit = define('GeneratorExit', BaseException);
export const Exception = define('Exception', BaseException);
const ArithmeticError = define('ArithmeticError', Exception);
define('FloatingPointError', ArithmeticError);
define('OverflowError', ArithmeticError);
define('ZeroDivisionError', ArithmeticError);
define('AssertionError', Exception);
define('AttributeError', Exception);
define('BufferError', Exception);
define('EOFError', Exception);
const ImportError = define('ImportError', Exception);
define('ModuleNotFoundError', ImportError);
const LookupError = define('LookupError', Exception);
define('IndexError', LookupError);
define('KeyError', LookupError);
define('MemoryError', Exception);
const NameError = define('NameError', Exception);
define('UnboundLocalError', NameError);
const OSError = define('OSError', Exception);
define('FileNotFoundError', OSError);
define('PermissionError', OSError);
define('TimeoutError', OSError);
const RuntimeError = define('RuntimeError', Exception);
define('NotImplementedError', RuntimeError);
define('RecursionError', RuntimeError);
define('StopIteration', Exception);
const SyntaxError = define('SyntaxError', Exception);
const IndentationError = define('IndentationError', SyntaxError);
define('TabError', IndentationError);
define('SystemError', Exception);
define('TypeError', Exception);
const ValueError = define('ValueError', Exception);
define('UnicodeError', ValueError);
const Warning = define('Warning', Exception);
define('UserWarning', Warning);
define('DeprecationWarning', Warning);
define('RuntimeWarning', Warning);

// BaseException.__init__(self, *args): what a subclass's __init__ reaches through super()
(BaseException.dict as Map<string, PyValue>).set(
  '__init__',
  new PyBuiltin('__init__', (args) => {
    (args[0] as PyException).args = args.slice(1);
    return null;
  }, 'BaseException'),
);

/** The built-in exception classes by name (the builtins namespace exposes them all). */
export const EXCEPTION_CLASSES: ReadonlyMap<string, PyClass> = BUILTIN_EXCEPTIONS;

export type ExceptionName =
  | 'AssertionError'
  | 'AttributeError'
  | 'ImportError'
  | 'IndexError'
  | 'KeyError'
  | 'MemoryError'
  | 'ModuleNotFoundError'
  | 'NameError'
  | 'NotImplementedError'
  | 'OverflowError'
  | 'RecursionError'
  | 'RuntimeError'
  | 'StopIteration'
  | 'SyntaxError'
  | 'IndentationError'
  | 'SystemError'
  | 'TimeoutError'
  | 'TypeError'
  | 'UnboundLocalError'
  | 'ValueError'
  | 'ZeroDivisionError'
  | 'PermissionError';

export function exceptionClass(name: ExceptionName): PyClass {
  return BUILTIN_EXCEPTIONS.get(name) as PyClass;
}

/**
 * A Python exception in flight. `line` is the line of the cell's top-level code that was running
 * when it was raised (set by the interpreter).
 */
export class PythonError extends Error {
  readonly exception: PyException;
  line: number | null = null;
  /** The engine error this exception was raised from (front ends map it back to its problem code). */
  problem: ProblemError | null = null;
  /**
   * The cell's top-level statement that was running (CPython positions: 1-based lines, 0-based
   * columns), and for an attribute that does not exist, the 1-based column of its name in the cell.
   */
  statement: { lineno: number; col_offset: number; end_lineno: number; end_col_offset: number } | null = null;
  column: number | null = null;
  /**
   * What CPython 3.11's traceback suggests for a NameError or AttributeError ("Did you mean:
   * 'relu'?"; not part of str()): computed only when asked, as a program may catch many.
   */
  suggestion: (() => string | undefined) | null = null;

  constructor(exception: PyException, message: string) {
    super(message);
    this.name = exception.cls.name;
    this.exception = exception;
  }
}

/** Raises `TypeError('...')` and friends: `throw pyError('TypeError', "...")`. */
export function pyError(name: ExceptionName, message?: string): PythonError {
  const args: PyValue[] = message === undefined ? [] : [message];
  return new PythonError(new PyException(exceptionClass(name), args), message ?? '');
}

/**
 * The step budget of a cell ran out. Not a Python exception: `try/except` cannot catch it (a
 * program could otherwise keep running); the cell reports it as a `TimeoutError`.
 */
export class StepBudgetExceeded extends Error {
  constructor(readonly steps: number) {
    super(`the cell ran more than ${steps} interpreter steps (the step budget of a cell) and was stopped`);
    this.name = 'StepBudgetExceeded';
  }
}

/** Errors that are not Python exceptions and pass through `try/except` and `finally` untouched. */
export function isUncatchable(error: unknown): boolean {
  return error instanceof WorkLimitExceeded || error instanceof StepBudgetExceeded;
}

const STACK_OVERFLOW = /Maximum call stack size exceeded/;
const OUT_OF_MEMORY = /Invalid (string|array|typed array) length|Array buffer allocation failed/;

/**
 * The Python exception a JS error stands for: engine errors carry their Python class (PyTorch's
 * messages; RuntimeError unless said otherwise), a JS stack overflow is a RecursionError. Returns
 * null for errors that are not Python exceptions (work limits, the step budget, internal faults).
 */
export function asPythonError(error: unknown): PythonError | null {
  if (error instanceof PythonError) return error;
  if (error instanceof ProblemError) {
    const extras = error.extras as { pythonType?: string };
    const name = extras.pythonType ?? (error.code === 'limit-exceeded' ? 'MemoryError' : 'RuntimeError');
    const cls = BUILTIN_EXCEPTIONS.get(name) ?? RuntimeError;
    const pyErr = new PythonError(new PyException(cls, [error.message]), error.message);
    pyErr.problem = error;
    return pyErr;
  }
  if (error instanceof FormatError) {
    const cls = BUILTIN_EXCEPTIONS.get(error.pythonType) as PyClass;
    return new PythonError(new PyException(cls, [error.message]), error.message);
  }
  if (error instanceof RangeError && STACK_OVERFLOW.test(error.message)) {
    return pyError('RecursionError', 'maximum recursion depth exceeded');
  }
  if (error instanceof RangeError && OUT_OF_MEMORY.test(error.message)) {
    return pyError('MemoryError', `the program needs more memory than this service allows (${error.message})`);
  }
  return null;
}

export { ImportError, IndentationError, LookupError, NameError, OSError, RuntimeError, SyntaxError, ValueError, ArithmeticError, Warning };
