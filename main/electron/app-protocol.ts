import { protocol } from 'electron';

import { contentSecurityPolicy } from '../contract/content-security-policy.ts';
import { readRendererFile } from '../services/renderer-files.ts';

const SCHEME = 'app';

/**
 * Declares app:// as a secure standard scheme, before the app is ready. Chromium loads
 * `<script type="module">` in CORS mode, so the scheme is CORS-enabled as well.
 */
// NOTE: this Electron path is type-checked and unit-tested with a fake electron module only,
// because no Electron binary could be downloaded where it was written.
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: SCHEME, privileges: { standard: true, secure: true, corsEnabled: true } },
  ]);
}

/**
 * Serves the built renderer at app://renderer/ with the strict CSP as a response header, so no
 * file:// page (which could read other local files) is ever loaded.
 */
export function serveRenderer(rendererDir: string): void {
  protocol.handle(SCHEME, async (request) => {
    const url = new URL(request.url);
    const file =
      url.host === 'renderer' ? await readRendererFile(rendererDir, url.pathname) : undefined;
    if (file === undefined) return new Response('Not found', { status: 404 });

    return new Response(new Uint8Array(file.body), {
      headers: {
        'Content-Type': file.contentType,
        'Content-Security-Policy': contentSecurityPolicy(),
        'X-Content-Type-Options': 'nosniff',
      },
    });
  });
}
