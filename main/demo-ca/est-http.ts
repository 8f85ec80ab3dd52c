import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

import { readCsr, type ParsedCsr } from '../pki/csr.ts';

/** Encodes bytes as base64 in 64-column lines, each ending with a newline. */
export function base64Lines(bytes: Uint8Array): string {
  const lines =
    Buffer.from(bytes)
      .toString('base64')
      .match(/.{1,64}/g) ?? [];
  return lines.map((line) => `${line}\n`).join('');
}

/** Sends a text/plain response and closes the connection, since the request body may be unread. */
export function sendText(
  response: ServerResponse,
  status: number,
  text: string,
  headers: Record<string, string> = {},
): void {
  response.writeHead(status, {
    ...headers,
    'Content-Type': 'text/plain; charset=utf-8',
    Connection: 'close',
  });
  response.end(`${text}\n`);
}

/** Sends a base64 PKCS#7 certs-only body the way RFC 7030 section 4.1.3 describes it. */
export function sendPkcs7(response: ServerResponse, contentType: string, der: Uint8Array): void {
  response.writeHead(200, {
    'Content-Type': contentType,
    'Content-Transfer-Encoding': 'base64',
  });
  response.end(base64Lines(der));
}

/** Reads the request body, or returns undefined once it grows past `maxBytes`. */
export async function readBody(
  request: IncomingMessage,
  maxBytes: number,
): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;

  for await (const chunk of request) {
    const bytes = chunk as Buffer;
    size += bytes.length;
    if (size > maxBytes) return undefined;
    chunks.push(bytes);
  }
  return Buffer.concat(chunks);
}

/**
 * Checks an HTTP Basic Authorization header. Both sides are hashed before the constant-time
 * comparison so that neither the value nor its length leaks through timing.
 */
export function checkBasicAuth(
  header: string | undefined,
  username: string,
  password: string,
): boolean {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? '');
  if (match === null) return false;

  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const separator = decoded.indexOf(':');
  if (separator < 0) return false;

  const sameUser = sameSecret(decoded.slice(0, separator), username);
  const samePassword = sameSecret(decoded.slice(separator + 1), password);
  return sameUser && samePassword;
}

function sameSecret(given: string, expected: string): boolean {
  const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest();
  return timingSafeEqual(digest(given), digest(expected));
}

/** A CSR from an enroll request body, as DER and parsed. */
export interface CsrBody {
  der: Buffer;
  parsed: ParsedCsr;
}

/** Decodes an application/pkcs10 body, or returns why it is not acceptable. */
export function parseCsrBody(body: Buffer): CsrBody | string {
  const text = body.toString('latin1');
  if (!text.endsWith('\n')) {
    return 'the base64 CSR body must end with a newline.';
  }

  const base64 = text.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(base64)) {
    return 'the body is not base64; send the DER CSR base64-encoded (Content-Transfer-Encoding: base64).';
  }

  const der = Buffer.from(base64, 'base64');
  try {
    return { der, parsed: readCsr(der) };
  } catch (error) {
    return (error as Error).message;
  }
}

/** Strips the query and anything unprintable, so a request path cannot forge log lines. */
export function printablePath(target: string): string {
  const path = target.split('?')[0] ?? '';
  return path.replace(/[^\x21-\x7e]/g, '?').slice(0, 200);
}
