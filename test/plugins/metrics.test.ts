import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.js';
import { buildInfo } from '../../src/build_info.js';

let app: FastifyInstance;
beforeAll(async () => {
  // Every program goes to the pool here, so the pool's series move too.
  app = await buildApp({ operations: { evaluation: { workers: 1, budgetMs: 10_000, inlineMaxWork: 0, maxQueue: 8 } } });
});
afterAll(() => app.close());

/** The Prometheus text exposition format, line by line. */
const HELP_OR_TYPE = /^# (HELP|TYPE) [a-zA-Z_:][a-zA-Z0-9_:]* .*$/;
const SAMPLE = /^[a-zA-Z_:][a-zA-Z0-9_:]*(\{([a-zA-Z_][a-zA-Z0-9_]*="([^"\\]|\\.)*",?)*\})? (-?[0-9.e+-]+|NaN|\+Inf|-Inf)( -?[0-9]+)?$/;

function parse(text: string): Map<string, { labels: string; value: number }[]> {
  const series = new Map<string, { labels: string; value: number }[]>();
  for (const line of text.split('\n')) {
    if (line === '') continue;
    if (line.startsWith('#')) {
      expect(line).toMatch(HELP_OR_TYPE);
      continue;
    }
    expect(line).toMatch(SAMPLE);
    const match = /^([^{ ]+)(\{.*\})? (\S+)/.exec(line)!;
    const list = series.get(match[1]) ?? [];
    list.push({ labels: match[2] ?? '', value: Number(match[3]) });
    series.set(match[1], list);
  }
  return series;
}

describe('GET /metrics', () => {
  it('is Prometheus text with the request, evaluation, work, pool, rejection and process series', async () => {
    await app.inject({ method: 'POST', url: '/v1/evaluate', payload: { inputs: { x: [1, 2, 3] }, expr: 'y = (x ** 2).sum()' } });
    await app.inject({ method: 'POST', url: '/v1/evaluate', payload: { inputs: { x: 1 }, expr: 'y = (' } });
    await app.inject({ method: 'POST', url: '/v1/evaluate', payload: '{"inputs":', headers: { 'content-type': 'application/json' } });
    await app.inject({ method: 'GET', url: '/nowhere/12345' });

    const response = await app.inject({ method: 'GET', url: '/metrics' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    const series = parse(response.body);

    const requests = series.get('http_requests_total')!;
    expect(requests).toContainEqual({ labels: '{method="POST",route="/v1/evaluate",status="200"}', value: 1 });
    expect(requests).toContainEqual({ labels: '{method="POST",route="/v1/evaluate",status="422"}', value: 1 });
    expect(requests).toContainEqual({ labels: '{method="GET",route="unmatched",status="404"}', value: 1 });
    expect(series.get('http_request_duration_seconds_count')).toContainEqual({ labels: '{method="POST",route="/v1/evaluate",status="200"}', value: 1 });

    const rejected = series.get('gradserve_rejected_requests_total')!;
    expect(rejected).toContainEqual({ labels: '{reason="parse-error"}', value: 1 });
    expect(rejected).toContainEqual({ labels: '{reason="invalid-json"}', value: 1 });
    expect(rejected).toContainEqual({ labels: '{reason="not-found"}', value: 1 });

    expect(series.get('gradserve_evaluation_duration_seconds_count')).toContainEqual({ labels: '{task="evaluate",mode="pool",outcome="ok"}', value: 1 });
    // the work each task did, measured by the meter (the one that failed to parse did none)
    expect(series.get('gradserve_evaluation_work_count')).toContainEqual({ labels: '{task="evaluate",mode="pool"}', value: 2 });
    const work = series.get('gradserve_evaluation_work_sum')!.find((s) => s.labels === '{task="evaluate",mode="pool"}');
    expect(work?.value).toBeGreaterThan(3);
    expect(series.get('gradserve_pool_queue_depth')).toEqual([{ labels: '', value: 0 }]);
    expect(series.get('gradserve_pool_workers')?.[0].value).toBeGreaterThanOrEqual(1);

    for (const name of ['process_cpu_seconds_total', 'process_resident_memory_bytes', 'nodejs_eventloop_lag_seconds', 'nodejs_heap_size_used_bytes']) {
      expect(series.has(name), name).toBe(true);
    }
  });
});

describe('build info and shed requests', () => {
  it('gradserve_build_info names the version, the commit and Node', async () => {
    const text = (await app.inject({ method: 'GET', url: '/metrics' })).body;
    const { version, commit, node } = buildInfo();
    expect(version).toMatch(/^\d+\.\d+\.\d+/);
    expect(commit).toMatch(/^([0-9a-f]{40}|unknown)$/);
    expect(text.split('\n').filter((line) => line.startsWith('gradserve_build_info'))).toEqual([`gradserve_build_info{version="${version}",commit="${commit}",node="${node}"} 1`]);
    expect(node).toBe(process.versions.node);
  });

  it('a shed request is a rejection (overloaded), not an evaluation', async () => {
    const busy = await buildApp({ operations: { evaluation: { workers: 1, maxQueue: 0, inlineMaxWork: 0, budgetMs: 20_000, queueTimeoutMs: 20_000 } } });
    try {
      const loop = 'n = 0\nfor i in range(300000):\n    n += i';
      const slow = busy.inject({ method: 'POST', url: '/v1/run', payload: { cells: [loop, loop, loop] } });
      await new Promise((resolve) => setTimeout(resolve, 50));
      // Once the slow one holds the only worker (and no queue), the next is shed.
      let shed = await busy.inject({ method: 'POST', url: '/v1/evaluate', payload: { inputs: { x: 2 }, expr: 'y = x ** 2' } });
      for (let tries = 0; shed.statusCode !== 503 && tries < 50; tries++) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        shed = await busy.inject({ method: 'POST', url: '/v1/evaluate', payload: { inputs: { x: 2 }, expr: 'y = x ** 2' } });
      }
      expect(shed.statusCode).toBe(503);
      expect(shed.json().type).toBe('https://gradserve.dev/problems/overloaded');
      expect((await slow).statusCode).toBe(200);
      const series = parse((await busy.inject({ method: 'GET', url: '/metrics' })).body);
      expect(series.get('gradserve_rejected_requests_total')).toContainEqual({ labels: '{reason="overloaded"}', value: expect.any(Number) });
      const evaluations = series.get('gradserve_evaluation_duration_seconds_count') ?? [];
      expect(evaluations.filter((s) => s.labels.includes('outcome="shed"'))).toEqual([]);
      expect(evaluations).toContainEqual({ labels: '{task="run",mode="pool",outcome="ok"}', value: 1 });
      expect(series.get('gradserve_evaluation_work_count')?.find((s) => s.labels === '{task="evaluate",mode="pool"}')).toBeUndefined();
    } finally {
      await busy.close();
    }
  }, 60_000);
});
