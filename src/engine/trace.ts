import type { Node } from './autograd.js';
import { chargeWork, WORK_PER_NODE } from './meter.js';

export interface TraceNodeJson {
  id: number;
  name: string;
  next?: [number | null, number][];
  variable?: string | null;
}

export interface TraceJson {
  root: number;
  nodes: TraceNodeJson[];
}

/**
 * The backward graph reachable from `root` as JSON, nodes numbered in
 * depth-first pre-order (children in next_functions order), built with an
 * explicit stack so long chains cannot overflow.
 */
export function traceGraph(root: Node): TraceJson {
  const ids = new Map<Node, number>();
  const order: Node[] = [];
  const stack: Node[] = [root];
  while (stack.length > 0) {
    const node = stack.pop() as Node;
    if (ids.has(node)) continue;
    ids.set(node, order.length);
    order.push(node);
    for (let i = node.next.length - 1; i >= 0; i--) {
      const child = node.next[i].node;
      if (child && !ids.has(child)) stack.push(child);
    }
  }
  // The trace is part of the answer: it costs what the graph it describes cost to record.
  chargeWork(order.length * WORK_PER_NODE);
  const nodes = order.map((node): TraceNodeJson => {
    const id = ids.get(node) as number;
    if (node.variable) return { id, name: node.name, variable: node.variable.name };
    return { id, name: node.name, next: node.next.map((e) => [e.node ? (ids.get(e.node) as number) : null, e.outputNr]) };
  });
  return { root: 0, nodes };
}
