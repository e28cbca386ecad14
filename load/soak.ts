/**
 * npm run soak [-- --url http://127.0.0.1:PORT] [--baseline 10] [--duration 45] [--pid N]
 *
 * The reliability suite of issue 11. Starts `node dist/src/server.js` on a
 * loopback port with the default limits (or targets --url, loopback only),
 * measures light traffic alone, then runs heavy-but-small requests of every
 * kind the issue found (outer-product matmul, a grad() tower, a check with
 * many points, a gradcheck of a big output, an answer of millions of values,
 * a batch of million-element items, deep nesting, prototype names, abandoned
 * requests, a Python loop) in loops together with the same light traffic and
 * a /healthz probe, and reports:
 *
 *   - worst /healthz latency                           goal < 100 ms
 *   - light-request p99 under load vs alone            goal <= 2x
 *   - every heavy request ended within budget + 1 s    goal: all
 *   - peak RSS of the server process                   goal < 1 GB
 *   - 5xx answers other than the documented 503s       goal: none
 *
 * Plain fetch loops, bounded in time (about a minute). Exits 1 when a goal is missed.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { parseArgs } from 'node:util';

const { values: args } = parseArgs({
  options: {
    url: { type: 'string' },
    pid: { type: 'string' },
    baseline: { type: 'string', default: '10' },
    duration: { type: 'string', default: '45' },
  },
});

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);
const BASELINE_S = Math.min(30, Math.max(2, Number(args.baseline)));
const SOAK_S = Math.min(120, Math.max(5, Number(args.duration)));
/** EVALUATION_BUDGET_MS of the server started here (the default). */
const BUDGET_MS = 5000;

// ---- the requests -------------------------------------------------------------

interface Request {
  name: string;
  method: 'GET' | 'POST';
  path: string;
  body?: string;
  /** Given up by the client after this long (an abandoned request). */
  abandonAfterMs?: number;
}

const post = (name: string, path: string, body: unknown): Request => ({ name, method: 'POST', path, body: typeof body === 'string' ? body : JSON.stringify(body) });
const linspace = (steps: number) => ({ linspace: { start: 0, end: 1, steps } });
const tower = (levels: number) => ({
  inputs: { x: 0.5 },
  expr: ['g0 = sin(x)*cos(x)*exp(x)*tanh(x)', ...Array.from({ length: levels }, (_, i) => `g${i + 1} = grad(g${i}, x)`)].join('\n'),
  backward: false,
  outputs: [`g${levels}`],
  fields: ['data'],
});

const LIGHT: Request[] = [
  post('course', '/v1/evaluate', { inputs: { x: 2 }, expr: 'y = x ** 2 + 2 * x + 1' }),
  post('relu-1000', '/v1/evaluate', { inputs: { x: linspace(1000) }, expr: 'y = torch.relu(x).sum()', outputs: ['y'] }),
  post('check', '/v1/check', { submission: { inputs: { x: 1 }, expr: 'y = 2 * x ** 3 + x' }, expected: { tensors: { y: { data: 3 }, x: { grad: 7 } } } }),
];

const HEAVY: Request[] = [
  post('outer-matmul', '/v1/evaluate', { inputs: { x: linspace(1000) }, expr: 'a = x.view(1000,1)*x; b = (a@a).sum()', outputs: ['b'], fields: ['data'] }),
  post('grad-tower-11', '/v1/evaluate', tower(11)),
  post('check-32-points', '/v1/check', {
    submission: { inputs: { x: { zeros: [300, 300] } }, expr: 'y = (x @ x).sum()' },
    reference: { expr: 'y = (x @ x @ x).sum()' },
    points: 32,
  }),
  post('gradcheck-3375', '/v1/gradcheck', { program: { inputs: { x: linspace(15) }, expr: 'y = x.view(15, 1, 1) * x.view(1, 15, 1) * x.view(1, 1, 15)' } }),
  post('answer-3e6', '/v1/evaluate', { inputs: { x: linspace(1_000_000), w: linspace(1_000_000), v: linspace(1_000_000) }, expr: 'y = (x*w*v).sum()' }),
  post('batch-8x1e6', '/v1/evaluate/batch', { items: Array.from({ length: 8 }, () => ({ inputs: { x: linspace(1_000_000) }, expr: 'y = (x * 2).sum()' })) }),
  post('deep-nesting', '/v1/evaluate', `{"inputs":{"x":${'['.repeat(6000)}1${']'.repeat(6000)}},"expr":"y = x"}`),
  post('proto-key', '/v1/evaluate', '{"inputs":{"x":1},"expr":"y = x","__proto__":{"polluted":true}}'),
  { name: 'plot-toString', method: 'GET', path: '/v1/plot?expr=toString**2&axis=toString&steps=10000' },
  post('matmul-400', '/v1/evaluate', { inputs: { x: { zeros: [400, 400] } }, expr: 'y = (x @ x).sum()', outputs: ['y'] }),
  { ...post('abandoned', '/v1/evaluate', { inputs: { x: { zeros: [500, 500] } }, expr: 'y = (x @ x @ x).sum()', outputs: ['y'] }), abandonAfterMs: 300 },
  post('python-loop', '/v1/run', { cells: ['s = 0\nfor i in range(10**7):\n    s += i\ns'] }),
];

// ---- measuring ----------------------------------------------------------------

interface Sample {
  name: string;
  status: number;
  ms: number;
  type?: string;
}

async function send(base: string, request: Request): Promise<Sample> {
  const controller = new AbortController();
  const timer = request.abandonAfterMs === undefined ? undefined : setTimeout(() => controller.abort(), request.abandonAfterMs);
  const started = performance.now();
  try {
    const r = await fetch(base + request.path, {
      method: request.method,
      headers: request.body === undefined ? undefined : { 'content-type': 'application/json' },
      body: request.body,
      signal: controller.signal,
    });
    const text = await r.text();
    const type = r.headers.get('content-type')?.includes('problem+json') ? /"type":"[^"]*\/([a-z-]+)"/.exec(text)?.[1] : undefined;
    return { name: request.name, status: r.status, ms: performance.now() - started, type };
  } catch (error) {
    // An abandoned request ends when the client gives up; anything else is a connection failure (status 0).
    return { name: request.name, status: controller.signal.aborted ? -1 : 0, ms: performance.now() - started, type: (error as Error).name };
  } finally {
    clearTimeout(timer);
  }
}

/** Runs `next` in `clients` loops until `until`, collecting every sample. */
async function loops(clients: number, until: number, next: (i: number) => Promise<Sample>, pauseMs = 0): Promise<Sample[]> {
  const samples: Sample[] = [];
  await Promise.all(
    Array.from({ length: clients }, async (_, client) => {
      for (let i = client; performance.now() < until; i += clients) {
        samples.push(await next(i));
        if (pauseMs > 0) await new Promise((resolve) => setTimeout(resolve, pauseMs));
      }
    }),
  );
  return samples;
}

function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** Resident memory of a process in bytes (Linux /proc; includes its worker threads). */
function rssOf(pid: number): number {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : NaN;
  } catch {
    return NaN;
  }
}

/** Light traffic and a /healthz probe until `until`; heavy loops too when `heavy` is given. */
async function phase(base: string, seconds: number, heavyClients: number) {
  const until = performance.now() + seconds * 1000;
  const light = loops(2, until, (i) => send(base, LIGHT[i % LIGHT.length]), 10);
  const health = loops(1, until, () => send(base, { name: 'healthz', method: 'GET', path: '/healthz' }), 50);
  const heavy = heavyClients > 0 ? loops(heavyClients, until, (i) => send(base, HEAVY[i % HEAVY.length])) : Promise.resolve([]);
  const [lightSamples, healthSamples, heavySamples] = await Promise.all([light, health, heavy]);
  return { light: lightSamples, health: healthSamples, heavy: heavySamples };
}

// ---- the run --------------------------------------------------------------------

/** A free loopback port. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

/**
 * `node dist/src/server.js` with the default limits. LOG_LEVEL=warn: a log line
 * per request written synchronously to a pipe measures the pipe's reader, not
 * the service (on a loaded machine each write can wait for it).
 */
async function startService(): Promise<{ base: string; child: ChildProcess; exited: Promise<number | null> }> {
  const port = await freePort();
  const child = spawn(process.execPath, ['dist/src/server.js'], {
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const base = `http://127.0.0.1:${port}`;
  for (const deadline = performance.now() + 60_000; performance.now() < deadline; ) {
    if (child.exitCode !== null) throw new Error(`the server exited with ${child.exitCode}`);
    const up = await fetch(`${base}/healthz`).then((r) => r.ok, () => false);
    if (up) return { base, child, exited };
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  child.kill('SIGKILL');
  throw new Error('the server did not answer /healthz within 60 s');
}

async function target(): Promise<{ base: string; pid: number; server: Awaited<ReturnType<typeof startService>> | null }> {
  if (args.url) {
    const host = new URL(args.url).hostname;
    if (!LOOPBACK.has(host)) throw new Error(`refusing to soak ${host}: loopback only`);
    return { base: args.url.replace(/\/$/, ''), pid: Number(args.pid ?? NaN), server: null };
  }
  const server = await startService();
  return { base: server.base, pid: server.child.pid as number, server };
}

const { base, pid, server } = await target();
let peakRss = 0;
const rssTimer = setInterval(() => {
  const rss = rssOf(pid);
  if (rss > peakRss) peakRss = rss;
}, 100);

let failed = false;
try {
  console.log(`soak: ${base}; light traffic alone ${BASELINE_S} s, then with heavy requests ${SOAK_S} s; load average ${(await import('node:os')).loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  const alone = await phase(base, BASELINE_S, 0);
  const loaded = await phase(base, SOAK_S, 3);

  const lightAloneP99 = percentile(alone.light.map((s) => s.ms), 99);
  const lightLoaded = loaded.light.map((s) => s.ms);
  const lightLoadedP99 = percentile(lightLoaded, 99);
  const worstHealth = Math.max(...loaded.health.map((s) => s.ms));
  const worstHealthAlone = Math.max(...alone.health.map((s) => s.ms));
  const all = [...alone.light, ...alone.health, ...loaded.light, ...loaded.health, ...loaded.heavy];
  // Documented 503s: shed (overloaded, with Retry-After) and stopped at the time budget (timeout).
  const undocumented = all.filter((s) => s.status === 0 || (s.status >= 500 && !(s.status === 503 && (s.type === 'overloaded' || s.type === 'timeout'))));
  // The goal of issue 11: every heavy request ends within the budget + 1 s (the runner's own
  // bound is POOL_QUEUE_TIMEOUT_MS + budget, 5.75 s, leaving the rest for stopping a worker and answering).
  const heavyLimitMs = BUDGET_MS + 1000;
  const late = loaded.heavy.filter((s) => s.ms > heavyLimitMs);
  const lightFailed = [...alone.light, ...loaded.light].filter((s) => s.status !== 200 && !(s.status === 503 && s.type === 'overloaded'));

  console.log('\nheavy requests (status × count, slowest ms):');
  const byName = new Map<string, Sample[]>();
  for (const s of loaded.heavy) byName.set(s.name, [...(byName.get(s.name) ?? []), s]);
  for (const [name, samples] of byName) {
    const statuses = new Map<string, number>();
    for (const s of samples) {
      const key = s.status === -1 ? 'abandoned' : `${s.status}${s.type ? ` ${s.type}` : ''}`;
      statuses.set(key, (statuses.get(key) ?? 0) + 1);
    }
    const slowest = Math.max(...samples.map((s) => s.ms));
    console.log(`  ${name.padEnd(16)} ${[...statuses].map(([k, n]) => `${k} ×${n}`).join(', ').padEnd(56)} ${Math.round(slowest)}`);
  }

  const goals = [
    [`worst /healthz latency under load (alone)`, `${Math.round(worstHealth)} ms (${Math.round(worstHealthAlone)} ms)`, worstHealth < 100, '< 100 ms'],
    [`light p99 alone / under load`, `${Math.round(lightAloneP99)} / ${Math.round(lightLoadedP99)} ms (${(lightLoadedP99 / lightAloneP99).toFixed(2)}x)`, lightLoadedP99 <= 2 * lightAloneP99, '<= 2x'],
    [`heavy requests ended within budget + 1 s (${heavyLimitMs} ms)`, `${loaded.heavy.length - late.length} of ${loaded.heavy.length}`, late.length === 0, 'all'],
    [`peak RSS of the server`, `${Math.round(peakRss / 2 ** 20)} MiB`, peakRss < 2 ** 30, '< 1 GiB'],
    [`5xx other than documented 503s, connection errors`, `${undocumented.length}`, undocumented.length === 0, 'none'],
    [`light requests not answered 200 (or shed)`, `${lightFailed.length} of ${alone.light.length + loaded.light.length}`, lightFailed.length === 0, 'none'],
  ] as const;
  console.log(`\nlight: ${alone.light.length} alone, ${loaded.light.length} under load; /healthz probes ${loaded.health.length}; heavy ${loaded.heavy.length}`);
  for (const [what, value, ok, goal] of goals) {
    console.log(`${ok ? 'ok  ' : 'MISS'} ${what.padEnd(58)} ${value.padEnd(26)} goal ${goal}`);
    failed ||= !ok;
  }
  if (undocumented.length > 0) console.log('undocumented:', undocumented.slice(0, 10));
} finally {
  clearInterval(rssTimer);
  // fetch's pooled keep-alive sockets: one that never carried a request is not idle to Node, and
  // would hold the server's graceful close until its grace period runs out. Closed first.
  const dispatcher = (globalThis as Record<symbol, { close?: () => Promise<void> } | undefined>)[Symbol.for('undici.globalDispatcher.1')];
  await dispatcher?.close?.();
  server?.child.kill('SIGTERM');
  if (server) console.log(`server exited with ${await server.exited}`);
}
process.exit(failed ? 1 : 0);
