"""
Golden cases for the op groups unary, activation, binary arithmetic, float
reductions and losses, made from every statement op_catalog.json measured
(its `measured` lists: the spellings, keyword variants and dtypes torch 1.13
was asked about) with torch 1.13 as the oracle. Each case runs the statement
on seeded random inputs (in the op's domain; values on a 1/64 grid so that the
JSON is exact) and records torch's result, its grad_fn and repr, and the
inputs' gradients after r.sum().backward().

Run by hand with Debian's torch 1.13 (tests read the vendored output only):
    /usr/bin/python3 scripts/catalog_goldens.py ../shared/conformance/op_catalog.json test/conformance/catalog_goldens.json
"""
import json, re, sys, torch, math
import torch.nn.functional as F
torch.manual_seed(5)
cat = json.load(open(sys.argv[1]))
# other helpers' groups (comparisons, indexing reductions) and floor_divide (no gradient to record)
SKIP = {'max-dim','min-dim','argmax','argmin','all','any','count_nonzero','median','sort','topk','where','gt','ge','lt','le','eq','ne','sum','mean','floor_divide'}
RANGES = {'log':(0.2,3),'log2':(0.2,3),'log10':(0.2,3),'sqrt':(0.2,3),'rsqrt':(0.2,3),'log1p':(-0.5,3),'asin':(-0.9,0.9),'acos':(-0.9,0.9),'atanh':(-0.9,0.9),'erfinv':(-0.9,0.9),'acosh':(1.2,3),'logit':(0.05,0.95),'binary_cross_entropy':(0.05,0.95),'prod':(0.5,1.5),'cumprod':(0.5,1.5)}
def tensor(shape, lo, hi, dtype, grad=True):
    t = (torch.rand(*shape, dtype=torch.float64) * (hi - lo) + lo).to(dtype)
    t = torch.round(t * 64) / 64  # short decimals keep the JSON exact
    return t.requires_grad_(grad)
def wire(v):
    if isinstance(v, list): return [wire(x) for x in v]
    if isinstance(v, float) and math.isnan(v): return 'NaN'
    if isinstance(v, float) and math.isinf(v): return 'Infinity' if v > 0 else '-Infinity'
    return v
def entry(t):
    data = t.tolist()
    return {'data': wire(data), 'shape': list(t.shape), 'dtype': str(t.dtype).replace('torch.',''), 'requires_grad': t.requires_grad, 'is_leaf': t.is_leaf,
            'grad_fn': t.grad_fn.name() if t.grad_fn else None, 'grad': wire(t.grad.tolist()) if t.grad is not None else None, 'repr': repr(t)}
def context(op, group, stmt, dtype):
    lo, hi = RANGES.get(op, (-2, 2))
    T = lambda *s, lo=lo, hi=hi, grad=True: tensor(s, lo, hi, dtype, grad)
    ctx = {'x': T(5), 'm': T(2, 3), 't': T(2, 3, 2), 'h': T(40), 'a': T(4), 'b': T(4), 'c': T(3), 'd': T(2, 1), 'n': T(2, 3)}
    if group == 'binary':
        ctx['b'] = T(4, lo=0.5, hi=2) if op in ('fmod','remainder','div-rounding','true_divide','addcdiv') else T(4)
        ctx['c'] = T(3, lo=0.5, hi=2) if op in ('fmod','remainder','true_divide','addcdiv') else T(3)
        ctx['d'] = T(2, 1, lo=0.5, hi=2) if op == 'addcdiv' else T(2, 1)
        ctx['x'] = T(4)
        ctx['lo'] = T(4, lo=-1, hi=0); ctx['hi'] = T(4, lo=0, hi=1)
        if 'clamp(m' in stmt or 'clip(m' in stmt: ctx['lo'] = T(3, lo=-1, hi=0, grad=False); ctx['c'] = T(3, lo=0, hi=1, grad=False)
        ctx['t'] = T(4, lo=0, hi=1) if 'lerp(a' in stmt else T(3, lo=0, hi=1)
    if group == 'activation':
        ctx['a'] = T(1, lo=0.1, hi=0.3) if 'prelu(x' in stmt or 'prelu(h' in stmt else T(3, lo=0.1, hi=0.3)
        ctx['m'] = T(2, 4) if op == 'glu' else ctx['m']
        ctx['t'] = T(2, 4, 2) if op == 'glu' else ctx['t']
        ctx['x'] = T(6) if op == 'glu' else ctx['x']
    if group == 'loss':
        first = re.search(r'\((\w+),', stmt).group(1)
        shape = {'x': (5,), 'm': (2, 3), 'p': (2, 3), 'z': (2, 3), 'lq': (2, 3), 'lp': (2, 3), 'a': (2, 3)}[first]
        rows = re.search(r'tensor\(\[([^\]]*)\]\)', stmt)
        if rows: shape = (len(rows.group(1).split(',')), 3)
        lo2, hi2 = (0.05, 0.95) if op == 'binary_cross_entropy' else (-2, 2)
        ctx = {'x': T(*shape), 'm': T(*shape), 'z': T(*shape), 'p': T(*shape, lo=0.05, hi=0.95, grad=False) if op != 'binary_cross_entropy' else T(*shape, lo=0.05, hi=0.95),
               't': T(*shape, lo=0, hi=1, grad=False), 'wt': T(shape[-1] if op in ('cross_entropy','nll_loss') else shape[0], lo=0.5, hi=2, grad=False) if op in ('cross_entropy','nll_loss') else T(*shape, lo=0.5, hi=2, grad=False),
               'pw': T(shape[-1], lo=0.5, hi=2, grad=False), 'a': T(*shape), 'b': T(*shape)}
        ctx['lq'] = torch.log_softmax(T(*shape, grad=False), -1).detach().requires_grad_(True)
        ctx['lp'] = torch.log_softmax(T(*shape, grad=False), -1).detach()
        if op == 'kl_div': ctx['p'] = torch.softmax(T(*shape, grad=False), -1).detach()
        if op == 'cross_entropy' and 'z, p' in stmt: ctx['p'] = torch.softmax(T(*shape, grad=False), -1).detach()
        if op == 'binary_cross_entropy' and 'weight' in stmt: ctx['wt'] = T(*shape, lo=0.5, hi=2, grad=False)
    return ctx
out = []
for o in cat['ops']:
    if o['group'] not in ('unary','activation','binary','reduction','loss') or o['op'] in SKIP: continue
    for k, mm in enumerate(o['measured']):
        stmt = mm['statement']
        if stmt.startswith('r = torch.max(') or stmt.startswith('r = torch.min('):
            continue  # torch.max(a, b) is the max op's overload
        dtype = torch.float64 if mm['dtype'] == 'float64' and 'dtype=torch.float64' not in stmt else torch.float32
        ctx = context(o['op'], o['group'], stmt, dtype)
        names = [v for v in ctx if re.search(r'\b' + v + r'\b', stmt.split('=', 1)[1])]
        env = {'torch': torch, 'F': F, **{n: ctx[n] for n in names}}
        rhs = stmt.split('=', 1)[1].strip()
        try:
            r = eval(rhs, env)
        except Exception as e:
            print('skip', stmt, e); continue
        if not isinstance(r, torch.Tensor): continue
        expr = f'r = {rhs}'
        if r.requires_grad:
            expr += '\ny = r.sum()'
            y = r.sum(); y.backward()
        inputs = {}
        for n in names:
            t = ctx[n]
            inputs[n] = {'data': wire(t.detach().tolist()), 'dtype': str(t.dtype).replace('torch.',''), 'requires_grad': t.requires_grad}
        tensors = {n: entry(ctx[n]) for n in names}
        tensors['r'] = entry(r)
        if r.requires_grad: tensors['y'] = entry(y)
        out.append({'name': f"catalog/{o['group']}/{o['op']}/{k}", 'tags': ['catalog', o['group'], 'op:' + o['op']], 'request': {'inputs': inputs, 'expr': expr}, 'status': 200,
                    'tolerance': {'rtol': 1e-4, 'atol': 1e-5}, 'expect': {'result': 'y' if r.requires_grad else 'r', 'tensors': tensors}})
json.dump({'oracle': f'torch {torch.__version__}', 'cases': out}, open(sys.argv[2], 'w'))
print(len(out), 'cases')
