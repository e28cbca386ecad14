# Generates catalog_measured.json with torch 1.13 (by hand; the tests only read the JSON): every statement the op
# catalog measured for the linalg, nn and creation groups, run on random inputs whose shapes are searched until
# torch gives the measured grad_fn, with the result as torch reports it (values, dtype, grad_fn, repr).
import torch, json, re, itertools, warnings
import torch.nn.functional as F
warnings.simplefilter('ignore')
torch.set_num_threads(1)
cat = json.load(open('/work/shared/conformance/op_catalog.json'))
CAND = {
 'x': [(4,), (2,3), (1,2,5), (1,1,4,4), (2,2,3), (3,), (1,2,4,4)],
 'm': [(2,3), (3,3), (3,2)],
 'a': [(2,3), (3,), (2,2,3), (3,3), (2,3,3), (4,), (2,2)],
 'b': [(3,2), (3,), (2,3,4), (2,), (2,3), (3,3), (2,3,2), (3,4)],
 'q': [(3,3)], 't': [(2,3,4), (2,3,3)],
 'w': [(3,4), (2,3), (3,2,3), (2,2,3), (1,1,2,2), (3,2), (2,1,2,2), (3,3), (4,2), (2,3,2)],
 'c': [(2,), (2,2), (3,), (2,3)], 'v': [(3,), (3,2), (2,3)], 'h': [(2,3), (4,)], 'z': [(4,), (2,3)],
 'rm': [(3,), (2,)], 'rv': [(3,), (2,)], 'g': [(3,), (2,), (2,3)],
}
def tensor_json(t):
    return {'data': t.tolist(), 'dtype': str(t.dtype).replace('torch.', ''), 'requires_grad': t.requires_grad}
out = []
for o in cat['ops']:
    if o['group'] not in ('linalg', 'nn', 'creation'): continue
    for k, m in enumerate(o.get('measured', [])):
        st = m['statement']
        target = st.split('=')[0].strip()
        names = [n for n in CAND if re.search(r'\b' + n + r'\b', st.split('=', 1)[1])]
        dtype = torch.float64 if m['dtype'] == 'float64' else torch.float32
        found = None
        for shapes in itertools.product(*[CAND[n] for n in names]):
            torch.manual_seed(k + 17)
            env = {}
            for n, s in zip(names, shapes):
                rg = n not in ('rm', 'rv')
                dt = (torch.float64 if n == 'z' else torch.float32) if o['op'] == 'dtype-conversion' else dtype
                v = torch.randn(*s, dtype=dt)
                if n == 'rv': v = v.abs() + 0.5
                env[n] = v.requires_grad_(rg)
            inputs = {n: tensor_json(v) for n, v in env.items()}
            scope = dict(env, torch=torch, F=F)
            try:
                exec(st, scope)
            except Exception:
                continue
            r = scope[target]
            if not isinstance(r, torch.Tensor): continue
            if (r.grad_fn.name() if r.grad_fn else None) != m['grad_fn']: continue
            found = (inputs, r)
            break
        if found is None:
            print('NO ENV', st, file=__import__('sys').stderr); continue
        inputs, r = found
        out.append({'op': o['op'], 'statement': st, 'inputs': inputs, 'result': target, 'expect': {
            'data': r.detach().tolist(), 'shape': list(r.shape), 'dtype': str(r.dtype).replace('torch.', ''),
            'requires_grad': r.requires_grad, 'is_leaf': r.is_leaf, 'grad_fn': r.grad_fn.name() if r.grad_fn else None,
            'grad': None, 'repr': repr(r)}})
json.dump(out, open('/tmp/h6/measured.json', 'w'))
print(len(out))
