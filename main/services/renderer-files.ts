import { readFile } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
};

/** A file of the built renderer, ready to send. */
export interface RendererFile {
  body: Buffer;
  contentType: string;
}

/**
 * Reads the built renderer's file that a URL path names inside `root`, for the browser host and
 * Electron's app:// protocol. Returns undefined for anything outside `root`, hidden, of an
 * unknown type, or missing; `/` is index.html.
 */
export async function readRendererFile(
  root: string,
  urlPath: string,
): Promise<RendererFile | undefined> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return undefined;
  }

  const relative = decoded === '/' ? 'index.html' : decoded.replace(/^\/+/, '');
  if (relative.includes('\0') || relative.split('/').some((part) => part.startsWith('.'))) {
    return undefined;
  }

  const path = normalize(join(root, relative));
  if (!path.startsWith(normalize(root) + sep)) return undefined;

  const contentType = CONTENT_TYPES[extname(path)];
  if (contentType === undefined) return undefined;

  try {
    return { body: await readFile(path), contentType };
  } catch {
    return undefined;
  }
}
