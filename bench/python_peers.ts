/**
 * The Python peers of the HTTP benchmark (issues 9, 12, 15), run with Debian's python3-torch:
 * - a fresh `python3` per notebook (bench/python/run_cells.py): what running the lab's notebook, or
 *   grading one submission, costs without a server;
 * - a FastAPI + uvicorn server with real torch (bench/python/peer_server.py) serving the same
 *   workloads as gradserve, the unsafe way (it exec's the program it is sent).
 * Each peer is skipped with a reason where its packages are not importable.
 * Env: BENCH_PYTHON (default /usr/bin/python3, Debian's, where python3-torch installs).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export const PYTHON = process.env.BENCH_PYTHON ?? '/usr/bin/python3';

/** null when `python` imports every module, else why not. */
export function missingPythonModules(modules: string[]): string | null {
  const check = spawnSync(PYTHON, ['-c', `import ${modules.join(', ')}`], { encoding: 'utf8' });
  if (check.error) return `${PYTHON} not runnable: ${check.error.message}`;
  if (check.status !== 0) return `${PYTHON} cannot import ${modules.join(', ')}: ${check.stderr.trim().split('\n').at(-1)}`;
  return null;
}

export interface FreshPythonResult {
  runs: number;
  medianMs: number;
  minMs: number;
  maxMs: number;
}

/** Wall time of `runs` fresh python3 processes, each running `cells` in one namespace (Agg backend). */
export function freshPythonRuns(root: string, cells: string[], runs: number): FreshPythonResult {
  const dir = mkdtempSync(join(tmpdir(), 'gradserve-bench-cells-'));
  try {
    const cellsFile = join(dir, 'cells.json');
    writeFileSync(cellsFile, JSON.stringify(cells));
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
      const start = performance.now();
      const child = spawnSync(PYTHON, [join(root, 'bench/python/run_cells.py'), cellsFile], { encoding: 'utf8', env: { ...process.env, MPLBACKEND: 'Agg' } });
      times.push(performance.now() - start);
      if (child.status !== 0) throw new Error(`fresh python run failed: ${child.stderr}`);
    }
    times.sort((a, b) => a - b);
    return { runs, medianMs: Math.round(times[Math.floor(runs / 2)]), minMs: Math.round(times[0]), maxMs: Math.round(times[runs - 1]) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Starts the FastAPI peer on a loopback port; waits (up to a minute: import torch is slow under load) until it answers. */
export async function startPythonPeer(root: string, port: number): Promise<ChildProcess> {
  const child = spawn(PYTHON, [join(root, 'bench/python/peer_server.py'), String(port)], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
  for (let attempt = 0; attempt < 600; attempt++) {
    if (child.exitCode !== null) break;
    try {
      await fetch(`http://127.0.0.1:${port}/`);
      return child;
    } catch {
      await sleep(100);
    }
  }
  child.kill();
  throw new Error('the Python peer server did not start');
}
