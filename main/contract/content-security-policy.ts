/**
 * Returns the renderer's Content-Security-Policy: nothing by default, then the app's own scripts
 * and styles, and `connectSource` (the browser host's WebSocket) when given. The UI draws no
 * images or fonts of its own, and it needs no inline script or style, frames or forms.
 */
export function contentSecurityPolicy(connectSource?: string): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    connectSource === undefined ? undefined : `connect-src ${connectSource}`,
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ]
    .filter((directive) => directive !== undefined)
    .join('; ');
}
