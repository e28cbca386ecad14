import { readFileSync } from 'node:fs';
import v8 from 'node:v8';
import vm from 'node:vm';
import { describe, expect, it } from 'vitest';
import { runNotebook } from '../../src/python/run.js';

/**
 * A run's objects must die young. V8's scavenger keeps a WeakMap's values alive until a full GC,
 * so a run object reachable from one (a repr cached per tensor, a class per function) was copied
 * into the old generation run after run: ~40 kB a lab notebook, scavenges of 6–9 ms instead of 1.
 */
describe('what a notebook run leaves behind', () => {
  it('a loop of lab notebooks promotes almost nothing past the young generation', () => {
    v8.setFlagsFromString('--expose-gc');
    const gc = vm.runInNewContext('gc') as (options?: { type: 'minor' | 'major' }) => void;
    const cases = JSON.parse(readFileSync(new URL('../conformance/notebooks.json', import.meta.url), 'utf8')) as { cases: { name: string; request: { cells: string[] } }[] };
    const cells = cases.cases.find((c) => c.name === 'seed/whole-notebook')!.request.cells;
    for (let i = 0; i < 30; i++) runNotebook(cells);
    gc();
    const runs = 300;
    for (let i = 0; i < runs; i++) runNotebook(cells);
    // two scavenges: what is still young is promoted; then a full GC frees what nothing holds
    gc({ type: 'minor' });
    gc({ type: 'minor' });
    const afterScavenges = v8.getHeapStatistics().used_heap_size;
    gc();
    const keptUntilFullGc = afterScavenges - v8.getHeapStatistics().used_heap_size;
    // ~2.5 MB: the last run and what is left in the young generation (13 MB when reprs and classes sat in WeakMaps)
    expect(keptUntilFullGc / runs).toBeLessThan(15_000);
  });
});
