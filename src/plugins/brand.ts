/**
 * gradserve's mark: the nabla (blue) and a point (orange), the colours of the
 * function and its derivative in every chart. The playground's favicon
 * (web/public/favicon.svg) is the same drawing; a test keeps them equal.
 */
export const LOGO_SVG = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32">
  <rect width="32" height="32" rx="7" fill="#1f77b4"/>
  <path d="M6.5 8.5h19L16 25z" fill="none" stroke="#fff" stroke-width="3" stroke-linejoin="round"/>
  <circle cx="25" cy="24" r="3.5" fill="#ff7f0e"/>
</svg>
`;

/** The mark and the name, for Swagger UI's top bar (dark). */
export function logoWithName(): string {
  const mark = LOGO_SVG.replace(/^<svg[^>]*>/, '').replace(/<\/svg>\s*$/, '');
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 150 32" width="150" height="32">
  <g>${mark}</g>
  <text x="40" y="23" font-family="system-ui, -apple-system, 'Segoe UI', sans-serif" font-size="20" font-weight="600" fill="#fff">gradserve</text>
</svg>
`;
}
