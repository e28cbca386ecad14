/** The exception classes a source can fail to compile with. */
export type SyntaxErrorType = 'SyntaxError' | 'IndentationError' | 'TabError';

/**
 * A Python `SyntaxError` (or its subclasses): `lineno` 1-based, `offset` the 1-based column as
 * CPython 3.11 reports them; `message` is Python's `msg`.
 */
export class PythonSyntaxError extends Error {
  override readonly name = 'PythonSyntaxError';

  constructor(
    readonly type: SyntaxErrorType,
    message: string,
    readonly lineno: number,
    readonly offset: number,
  ) {
    super(message);
  }
}
