import { describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { OPS } from '../../src/engine/ops/index.js';

describe('GET /v1/ops', () => {
  it('lists exactly the op table, with grad_fn names and signatures', async () => {
    const app = await buildApp();
    const r = await app.inject({ method: 'GET', url: '/v1/ops' });
    await app.close();
    expect(r.statusCode).toBe(200);
    const { ops } = r.json();
    expect(ops.map((o: any) => o.name)).toEqual(OPS.map((o) => o.name));
    const sum = ops.find((o: any) => o.name === 'sum');
    expect(sum.grad_fns).toEqual(['SumBackward0', 'SumBackward1']);
    expect(sum.params.map((p: any) => p.name)).toEqual(['input', 'dim', 'keepdim']);
    expect(ops.find((o: any) => o.name === 'pow').operators).toEqual(['**']);
  });

  it('names every Python spelling of an op, from the op table', async () => {
    const app = await buildApp();
    const { ops } = (await app.inject({ method: 'GET', url: '/v1/ops' })).json();
    await app.close();
    const spellings = (name: string): string[] => ops.find((o: any) => o.name === name).spellings;
    expect(spellings('exp')).toEqual(expect.arrayContaining(['torch.exp', 'Tensor.exp']));
    expect(spellings('gelu')).toContain('torch.nn.functional.gelu');
    expect(spellings('linalg_norm')).toEqual(['torch.linalg.norm']);
    expect(ops.every((o: any) => o.spellings.length > 0 || o.operators.length > 0 || ['grad', 'jacobian', 'hessian', 'getitem', 'setitem'].includes(o.name))).toBe(true);
  });
});
