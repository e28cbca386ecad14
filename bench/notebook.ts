/**
 * The notebook workload of the HTTP benchmark (issues 9, 15): the lab's whole notebook (the
 * conformance case seed/whole-notebook, 19 cells), in-process and one request at a time.
 */
import { spawnSync } from 'node:child_process';
import http from 'node:http';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** The lab's whole notebook, read from the vendored conformance cases. */
export function labNotebookCells(root: string): string[] {
  const file = JSON.parse(readFileSync(join(root, 'test/conformance/notebooks.json'), 'utf8')) as { cases: { name: string; request: { cells: string[] } }[] };
  const found = file.cases.find((c) => c.name === 'seed/whole-notebook');
  if (!found) throw new Error('test/conformance/notebooks.json has no case seed/whole-notebook');
  return found.request.cells;
}

export interface InProcessResult {
  runs: number;
  medianMicroseconds: number;
  p90Microseconds: number;
}

/**
 * runNotebook(cells) of the built dist (the build the server comes from), in a plain `node` of its own (as the server runs it: under
 * tsx, esbuild's keepNames wraps every closure and inflates small costs). Warm-up runs first, then
 * each run is timed on its own; the median is the figure.
 */
export function measureNotebookInProcess(root: string, runModulePath: string, cells: string[], runs: number): InProcessResult {
  const runModule = pathToFileURL(runModulePath).href;
  const script = `
    const { runNotebook } = await import(${JSON.stringify(runModule)});
    const cells = JSON.parse(process.env.BENCH_CELLS);
    const runs = Number(process.env.BENCH_RUNS);
    for (let i = 0; i < Math.max(50, runs / 5); i++) runNotebook(cells);
    const times = [];
    for (let i = 0; i < runs; i++) {
      const start = process.hrtime.bigint();
      runNotebook(cells);
      times.push(Number(process.hrtime.bigint() - start) / 1000);
    }
    times.sort((a, b) => a - b);
    console.log(JSON.stringify({ runs, medianMicroseconds: times[Math.floor(runs / 2)], p90Microseconds: times[Math.floor(runs * 0.9)] }));
  `;
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    cwd: root,
    env: { ...process.env, BENCH_CELLS: JSON.stringify(cells), BENCH_RUNS: String(runs) },
    encoding: 'utf8',
  });
  if (child.status !== 0) throw new Error(`in-process notebook run failed: ${child.stderr}`);
  const result = JSON.parse(child.stdout) as InProcessResult;
  return { runs: result.runs, medianMicroseconds: round(result.medianMicroseconds), p90Microseconds: round(result.p90Microseconds) };
}

export interface SequentialLatency {
  requests: number;
  medianMs: number;
  p90Ms: number;
  status: number;
  /** Requests sent first and not counted, and their median: the server's and the client's code still warming up (JIT tiers, heap sizing). */
  warmup: number;
  warmupMedianMs: number;
}

/**
 * One request at a time (no queueing behind other requests): the latency one user sees, from the
 * request's first byte written to the answer's last byte read. The client is thin, as autocannon
 * is: node:http on one kept-alive socket (`fetch`, undici in this benchmark's own process, adds
 * ~1.4 ms of client work per 160 kB answer here; it is measured too, as `client: 'fetch'`).
 * The figure is the steady state a running service is in: after `warmup` requests, whose median
 * is reported beside it (50 were too few: on this VM the next 200 had a median of 3.6 ms, then
 * 2.2 ms, then 1.7 ms for 500 after 300 more, as V8 finished optimizing both processes' paths).
 */
export async function sequentialLatency(url: string, body: string, requests: number, warmup: number, client: 'node:http' | 'fetch' = 'node:http'): Promise<SequentialLatency> {
  const times: number[] = [];
  const warmupTimes: number[] = [];
  let status = 0;
  const post: Post = client === 'fetch' ? postWithFetch : postWithNodeHttp(url);
  try {
    for (let i = 0; i < warmup + requests; i++) {
      const start = performance.now();
      status = await post(url, body);
      if (status !== 200) throw new Error(`${url} answered ${status}`);
      (i >= warmup ? times : warmupTimes).push(performance.now() - start);
    }
  } finally {
    post.close?.();
  }
  times.sort((a, b) => a - b);
  warmupTimes.sort((a, b) => a - b);
  return {
    requests,
    medianMs: round(times[Math.floor(requests / 2)]),
    p90Ms: round(times[Math.floor(requests * 0.9)]),
    status,
    warmup,
    warmupMedianMs: round(warmupTimes[Math.floor(warmup / 2)] ?? Number.NaN),
  };
}

type Post = ((url: string, body: string) => Promise<number>) & { close?: () => void };

async function postWithFetch(url: string, body: string): Promise<number> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  await response.arrayBuffer();
  return response.status;
}

function postWithNodeHttp(url: string): Post {
  const target = new URL(url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const post: Post = (_url, body) => {
    const payload = Buffer.from(body);
    return new Promise((resolve, reject) => {
      const request = http.request(
        { host: target.hostname, port: target.port, path: target.pathname, method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': payload.length } },
        (response) => {
          response.on('data', () => {});
          response.on('end', () => resolve(response.statusCode ?? 0));
          response.on('error', reject);
        },
      );
      request.on('error', reject);
      request.end(payload);
    });
  };
  post.close = () => agent.destroy();
  return post;
}

export function round(v: number): number {
  return Math.round(v * 1000) / 1000;
}
