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
