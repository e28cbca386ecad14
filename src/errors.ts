/**
 * The one table of problem codes. Every error answer is an RFC 9457
 * problem+json built from an entry here; nothing else picks a status.
 */
export const PROBLEMS = {
  'invalid-json': { status: 400, title: 'The body is not valid JSON' },
  'invalid-request': { status: 400, title: 'The request does not have the expected shape' },
  'unsupported-media-type': { status: 415, title: 'The body must be application/json' },
  'body-too-large': { status: 413, title: 'The request body is too large' },
  'parse-error': { status: 422, title: 'The expression could not be parsed' },
  'unknown-name': { status: 422, title: 'A name is not defined' },
  'unknown-function': { status: 422, title: 'A function or method is not known' },
  'invalid-argument': { status: 422, title: 'An argument is not valid for this operation' },
  'shape-error': { status: 422, title: 'Tensor shapes do not fit the operation' },
  'autograd-error': { status: 422, title: 'The backward pass cannot run' },
  'limit-exceeded': { status: 422, title: 'The program exceeds a limit of this service' },
  'reference-failed': { status: 422, title: 'The reference notebook cannot run' },
  'not-found': { status: 404, title: 'No such route' },
  'method-not-allowed': { status: 405, title: 'Method not allowed' },
  'request-timeout': { status: 408, title: 'The request was not received in time' },
  'headers-too-large': { status: 431, title: 'The request headers are too large' },
  'not-implemented': { status: 501, title: 'The request method is not known' },
  'too-many-requests': { status: 429, title: 'Too many requests' },
  'overloaded': { status: 503, title: 'The service is overloaded' },
  'timeout': { status: 503, title: 'The evaluation exceeded its time budget' },
  // nginx's 499: the answer is never delivered; the status only shows in logs and metrics.
  'client-closed': { status: 499, title: 'The client closed the request' },
  'internal': { status: 500, title: 'Internal error' },
} as const satisfies Record<string, { status: number; title: string }>;

export type ProblemCode = keyof typeof PROBLEMS;

export function problemType(code: ProblemCode): string {
  return `https://gradserve.dev/problems/${code}`;
}

export interface ProblemExtras {
  /** JSON-pointer-addressed validation problems. */
  errors?: { pointer: string; detail: string }[];
  /** Where in the expression a parse error is (1-based line and column, 0-based offset). */
  position?: { line: number; column: number; offset: number };
  /** The statement or graph node being evaluated when the error happened. */
  node?: string;
  /** A limit's name and its configured value. */
  limit?: { name: string; value: number };
  /**
   * The Python exception the interpreter raises for this error (PyTorch's
   * class for it); absent means RuntimeError. Not part of the HTTP problem.
   */
  pythonType?: PythonErrorType;
}

/** Python exception classes engine errors map to. */
export type PythonErrorType = 'RuntimeError' | 'IndexError' | 'TypeError' | 'ValueError' | 'ZeroDivisionError' | 'NotImplementedError' | 'AssertionError';

/**
 * An error whose message is meant for the client. The engine throws these with
 * PyTorch's own wording; the HTTP layer turns them into problem answers.
 */
export class ProblemError extends Error {
  readonly code: ProblemCode;
  readonly extras: ProblemExtras;

  constructor(code: ProblemCode, detail: string, extras: ProblemExtras = {}) {
    super(detail);
    this.name = 'ProblemError';
    this.code = code;
    this.extras = extras;
  }

  get status(): number {
    return PROBLEMS[this.code].status;
  }
}

export interface Problem extends ProblemExtras {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
}

export function toProblem(code: ProblemCode, detail: string, extras: ProblemExtras = {}): Problem {
  const { status, title } = PROBLEMS[code];
  const { pythonType: _pythonType, ...shown } = extras;
  return { type: problemType(code), title, status, detail, ...shown };
}
