import dagre, { type EdgeLabel, type GraphLabel, type NodeLabel } from '@dagrejs/dagre';

/** The evaluate answer's backward graph: PyTorch names and next_functions. */
export interface TraceNode {
  id: number;
  name: string;
  next?: [number | null, number][];
  variable?: string | null;
}
export interface Trace {
  root: number;
  nodes: TraceNode[];
}

const SVG_NS = 'http://www.w3.org/2000/svg';
const CHAR_WIDTH = 7.6;
const LINE_HEIGHT = 16;

function svg<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number> = {}): SVGElementTagNameMap[K] {
  const element = document.createElementNS(SVG_NS, tag);
  for (const [key, value] of Object.entries(attrs)) element.setAttribute(key, String(value));
  return element;
}

function nodeLines(node: TraceNode): string[] {
  return node.variable ? [node.name, node.variable] : [node.name];
}

/**
 * Draws the backward graph top-down from the result's grad_fn: one box per node,
 * an arrow for each entry of next_functions (None entries are left out), laid out by dagre.
 */
export function drawTrace(trace: Trace): SVGSVGElement {
  const graph = new dagre.graphlib.Graph<GraphLabel, NodeLabel, EdgeLabel>({ multigraph: true });
  graph.setGraph({ rankdir: 'TB', nodesep: 28, ranksep: 44, marginx: 12, marginy: 12 });
  graph.setDefaultEdgeLabel(() => ({}));
  for (const node of trace.nodes) {
    const lines = nodeLines(node);
    const width = Math.max(...lines.map((l) => l.length)) * CHAR_WIDTH + 28;
    graph.setNode(String(node.id), { width, height: lines.length * LINE_HEIGHT + 16 });
  }
  for (const node of trace.nodes) {
    for (const [index, [target]] of (node.next ?? []).entries()) {
      if (target !== null) graph.setEdge(String(node.id), String(target), {}, `${node.id}:${index}`);
    }
  }
  dagre.layout(graph);

  const { width = 0, height = 0 } = graph.graph();
  const root = svg('svg', { class: 'trace', width, height, viewBox: `0 0 ${width} ${height}`, role: 'img' });
  root.setAttribute('aria-label', `backward graph with ${trace.nodes.length} nodes`);
  const defs = svg('defs');
  const marker = svg('marker', { id: 'arrow', viewBox: '0 0 10 10', refX: 10, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' });
  marker.append(svg('path', { d: 'M0,0L10,5L0,10z', class: 'arrow-head' }));
  defs.append(marker);
  root.append(defs);

  for (const edge of graph.edges()) {
    const points: { x: number; y: number }[] = graph.edge(edge).points ?? [];
    const d = points.map((p, i) => `${i === 0 ? 'M' : 'L'}${p.x.toFixed(1)},${p.y.toFixed(1)}`).join('');
    root.append(svg('path', { d, class: 'trace-edge', 'marker-end': 'url(#arrow)', 'data-from': edge.v, 'data-to': edge.w }));
  }
  for (const node of trace.nodes) {
    const box = graph.node(String(node.id));
    const left = (box.x ?? 0) - box.width / 2;
    const top = (box.y ?? 0) - box.height / 2;
    const group = svg('g', {
      class: `trace-node${node.id === trace.root ? ' trace-root' : ''}${node.name === 'AccumulateGrad' ? ' trace-leaf' : ''}`,
      'data-name': node.name,
      transform: `translate(${left.toFixed(1)},${top.toFixed(1)})`,
    });
    group.append(svg('rect', { width: box.width, height: box.height, rx: 6, ry: 6 }));
    nodeLines(node).forEach((line, i) => {
      const text = svg('text', { x: box.width / 2, y: 8 + LINE_HEIGHT * (i + 0.75), 'text-anchor': 'middle', class: i === 0 ? 'trace-name' : 'trace-variable' });
      text.textContent = line;
      group.append(text);
    });
    root.append(group);
  }
  return root;
}
