# Generates einsum_golden.json with torch 1.13 (by hand; the tests only read the JSON): einsum and tensordot
# graphs, values and gradients of r.sum() for operands filled with sin(7 * operand + i + 1).
import torch, json, math
torch.set_num_threads(1)
def data(shape, seed):
    n = 1
    for d in shape: n *= d
    return torch.tensor([math.sin(seed * 7 + i + 1) for i in range(n)], dtype=torch.float32).reshape(shape).requires_grad_(True)
def graph(node):
    if node is None: return 'None'
    name = node.name().replace('torch::autograd::', '')
    if not node.next_functions: return name
    return name + '(' + ', '.join(graph(n) for n, _ in node.next_functions) + ')'
cases = [
 ('ij,jk->ik', [[2,3],[3,4]]), ('i,i->', [[4],[4]]), ('bij,bjk->bik', [[2,2,3],[2,3,2]]), ('ii->i', [[3,3]]), ('ij->ji', [[2,3]]),
 ('i,j->ij', [[2],[3]]), ('ij->', [[2,3]]), ('ij->j', [[2,3]]), ('ii', [[3,3]]), ('ij,ij->ij', [[2,3],[2,3]]),
 ('bn,anm,bm->ba', [[2,3],[4,3,5],[2,5]]), ('...ij,...jk', [[2,2,3],[3,4]]), ('ij,jk', [[2,3],[3,4]]), ('ij,j->i', [[2,3],[3]]),
 ('iij->j', [[2,2,3]]), ('ij,j', [[2,3],[1]]), ('bij->bji', [[2,2,3]]), ('i,i,i->i', [[3],[3],[3]]), ('ik,kj->', [[2,3],[3,2]]), ('Ab,bC->CA', [[2,3],[3,2]]),
]
out = []
for eq, shapes in cases:
    ops = [data(s, k) for k, s in enumerate(shapes)]
    r = torch.einsum(eq, *ops)
    r.sum().backward()
    out.append({'eq': eq, 'shapes': shapes, 'graph': graph(r.grad_fn), 'shape': list(r.shape), 'values': [float(v) for v in r.detach().flatten()], 'grads': [[float(v) for v in o.grad.flatten()] for o in ops]})
tcases = [([2,3],[3,2],1), ([2,2,3],[2,3],2), ([2,3,2],[2,3],[[2],[0]]), ([2,1,3],[3,4,2],[[1,2],[1,0]]), ([2],[3],0), ([2,3,4],[4,3],[[1,2],[1,0]])]
for sa, sb, dims in tcases:
    a, b = data(sa, 0), data(sb, 1)
    r = torch.tensordot(a, b, dims=dims)
    r.sum().backward()
    out.append({'tensordot': dims, 'shapes': [sa, sb], 'graph': graph(r.grad_fn), 'shape': list(r.shape), 'values': [float(v) for v in r.detach().flatten()], 'grads': [[float(v) for v in a.grad.flatten()], [float(v) for v in b.grad.flatten()]]})
print(json.dumps(out))
