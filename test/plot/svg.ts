import { XMLParser, XMLValidator } from 'fast-xml-parser';

/** One element of a parsed SVG document. */
export interface SvgElement {
  tag: string;
  attrs: Record<string, string>;
  children: SvgElement[];
  text: string;
}

type Ordered = Record<string, unknown> & { ':@'?: Record<string, string> };

function toElements(nodes: Ordered[]): SvgElement[] {
  return nodes.flatMap((node) => {
    const tag = Object.keys(node).find((k) => k !== ':@');
    if (tag === undefined || tag === '#text') return [];
    const children = toElements(node[tag] as Ordered[]);
    const text = (node[tag] as Ordered[]).map((c) => (c['#text'] === undefined ? '' : String(c['#text']))).join('');
    return [{ tag, attrs: node[':@'] ?? {}, children, text }];
  });
}

/** Parses an SVG, throwing when it is not well-formed XML. */
export function parseSvg(svg: string): SvgElement {
  const valid = XMLValidator.validate(svg);
  if (valid !== true) throw new Error(`not well-formed XML: ${valid.err.msg} at line ${valid.err.line}`);
  const parser = new XMLParser({ preserveOrder: true, ignoreAttributes: false, attributeNamePrefix: '', parseTagValue: false });
  const [root] = toElements(parser.parse(svg) as Ordered[]);
  return root;
}

export function descendants(element: SvgElement): SvgElement[] {
  return element.children.flatMap((c) => [c, ...descendants(c)]);
}

/** Elements whose class list has `className`. */
export function byClass(root: SvgElement, className: string): SvgElement[] {
  return descendants(root).filter((e) => (e.attrs.class ?? '').split(/\s+/).includes(className));
}

/** The data lines (mark-line groups) with their stroke colours and point counts. */
export function lineSeries(root: SvgElement): { stroke: string; points: number }[] {
  return byClass(root, 'mark-line').flatMap((group) =>
    group.children
      .filter((c) => c.tag === 'path')
      .map((path) => ({ stroke: path.attrs.stroke, points: (path.attrs.d.match(/[ML]/g) ?? []).length })),
  );
}

export function legendLabels(root: SvgElement): string[] {
  return byClass(root, 'role-legend-label').flatMap((g) => descendants(g).filter((e) => e.tag === 'text').map((t) => t.text));
}

export function axisTitles(root: SvgElement): string[] {
  return byClass(root, 'role-axis-title').flatMap((g) => descendants(g).filter((e) => e.tag === 'text').map((t) => t.text));
}
