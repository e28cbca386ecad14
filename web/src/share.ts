/**
 * Shareable links: the page's request travels in the URL fragment as base64url JSON
 * (`#evaluate=…` for an expression, `#run=…` for notebook cells). The fragment never
 * reaches a server; decoding it gives exactly the body the page sends.
 */
export type Shared = { kind: 'evaluate'; request: Record<string, unknown> } | { kind: 'run'; request: { cells: string[] } };

function toBase64Url(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64Url(text: string): string {
  const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
  return new TextDecoder().decode(Uint8Array.from(binary, (c) => c.charCodeAt(0)));
}

export function shareFragment(shared: Shared): string {
  return `#${shared.kind}=${toBase64Url(JSON.stringify(shared.request))}`;
}

/** The shared request in a fragment, or null when there is none or it does not decode to one. */
export function readFragment(hash: string): Shared | null {
  const match = /^#(evaluate|run)=([A-Za-z0-9_-]*)$/.exec(hash);
  if (!match) return null;
  try {
    const request: unknown = JSON.parse(fromBase64Url(match[2]));
    if (typeof request !== 'object' || request === null || Array.isArray(request)) return null;
    if (match[1] === 'run') {
      const cells = (request as { cells?: unknown }).cells;
      return Array.isArray(cells) && cells.every((c) => typeof c === 'string') ? { kind: 'run', request: { cells } } : null;
    }
    return { kind: 'evaluate', request: request as Record<string, unknown> };
  } catch {
    return null;
  }
}

/** Puts the shared request in the address bar without a new history entry; returns the full link. */
export function publish(shared: Shared): string {
  history.replaceState(null, '', shareFragment(shared));
  return location.href;
}
