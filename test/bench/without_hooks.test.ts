import { describe, expect, it } from 'vitest';
import { buildApp, REQUEST_HOOKS } from '../../src/app.js';

// bench/stages.ts compares the app with and without its per-request hooks: the option must really remove them.
describe("buildApp's benchmark-only `without` list", () => {
  it('answers the same evaluation without the hooks it names, and only those are gone', async () => {
    const payload = { inputs: { x: 2 }, expr: 'y = x ** 2' };
    const full = await buildApp();
    const bare = await buildApp({ without: REQUEST_HOOKS });
    try {
      const [withHooks, withoutHooks] = await Promise.all([
        full.inject({ method: 'POST', url: '/v1/evaluate', payload }),
        bare.inject({ method: 'POST', url: '/v1/evaluate', payload }),
      ]);
      expect(withoutHooks.statusCode).toBe(200);
      expect(withoutHooks.body).toBe(withHooks.body);
      expect(withHooks.headers['x-request-id']).toBeDefined();
      expect(withoutHooks.headers['x-request-id']).toBeUndefined();
      // Only the per-request series are off: /metrics still answers, without a sample of them.
      const counted = await full.inject({ method: 'GET', url: '/metrics' });
      expect(counted.body).toMatch(/^http_requests_total\{/m);
      const uncounted = await bare.inject({ method: 'GET', url: '/metrics' });
      expect(uncounted.statusCode).toBe(200);
      expect(uncounted.body).not.toMatch(/^http_requests_total\{/m);
    } finally {
      await Promise.all([full.close(), bare.close()]);
    }
  });
});
