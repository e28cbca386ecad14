import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runNotebook } from '../../src/python/run.js';

interface Program {
  name: string;
  source: string;
  stdout: string;
  error: string | null;
}

const { programs } = JSON.parse(readFileSync(new URL('./fixtures/interpreter_programs.json', import.meta.url), 'utf8')) as { programs: Program[] };

describe('Python semantics: small programs print what CPython 3.11 prints', () => {
  it.each(programs.map((p) => [p.name, p] as const))('%s', (_name, program) => {
    const [cell] = runNotebook([program.source]).cells;
    expect(cell.error).toBeNull();
    expect(cell.stdout).toBe(program.stdout);
  });
});

const lines = JSON.parse(readFileSync(new URL('./fixtures/error_lines.json', import.meta.url), 'utf8')) as { sources: string[]; expected: ([string, number] | null)[] };

describe("an error's line is the cell line CPython 3.11's traceback shows", () => {
  it.each(lines.sources.map((source, i) => [JSON.stringify(source), source, lines.expected[i]] as const))('%s', (_name, source, expected) => {
    const [cell] = runNotebook([source]).cells;
    expect(cell.error === null ? null : [cell.error.type, cell.error.line]).toEqual(expected);
  });
});

describe('object addresses (`<... object at 0x...>`, id())', () => {
  it('are stable per object, distinct between objects, and shaped as CPython prints them', () => {
    const [cell] = runNotebook(['class A:\n    pass\na, b = A(), A()\nprint(repr(a) == repr(a), repr(a) != repr(b), id(a) == id(a), id(a) != id(b))\nprint(a)\nprint(b)']).cells;
    expect(cell.error).toBeNull();
    const [same, first, second] = cell.stdout.trimEnd().split('\n');
    expect(same).toBe('True True True True');
    expect(first).toMatch(/^<__main__\.A object at 0x7f[0-9a-f]{10}>$/);
    expect(second).toMatch(/^<__main__\.A object at 0x7f[0-9a-f]{10}>$/);
  });
});
