import type { IncomingHttpHeaders } from 'node:http';

export type EstErrorKind =
  | 'unauthorized'
  | 'rejected'
  | 'server'
  | 'timeout'
  | 'tls'
  | 'network'
  | 'protocol'
  | 'pin-mismatch'
  | 'cancelled';

/** Raised when an EST request fails. `kind` names the failure, and the message what to do next. */
export class EstError extends Error {
  override name = 'EstError';
  readonly kind: EstErrorKind;
  /** The URL requested, when there was one. */
  readonly url: string | undefined;
  /** The HTTP status, when the server responded. */
  readonly status: number | undefined;

  constructor(
    kind: EstErrorKind,
    message: string,
    details: { url?: string; status?: number; cause?: unknown } = {},
  ) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.kind = kind;
    this.url = details.url;
    this.status = details.status;
  }
}

const MAX_QUOTED_CHARACTERS = 300;

// OpenSSL certificate verification results that Node reports as the error code.
const CERTIFICATE_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_SIGNATURE_FAILURE',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'INVALID_CA',
  'CERT_CHAIN_TOO_LONG',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
]);

/** Explains an HTTP status that is neither 200 nor, for simpleenroll, 202. */
export function describeStatus(
  target: string,
  response: { status: number; headers: IncomingHttpHeaders; body: Buffer },
  credentials: { username: string } | undefined,
): EstError {
  const { status } = response;
  const details = { url: target, status };
  const quote = quotedText(response);

  if (status === 401 && credentials === undefined) {
    return new EstError(
      'unauthorized',
      `The EST server at ${target} requires a user name and password (HTTP 401), and none were given. ` +
        'Enter the EST user name and password from your administrator.',
      details,
    );
  }
  if (status === 401) {
    return new EstError(
      'unauthorized',
      `The EST server at ${target} rejected the user name "${printable(credentials!.username)}" or its ` +
        'password (HTTP 401). Check the user name and password and try again.',
      details,
    );
  }
  if (status === 404) {
    return new EstError(
      'rejected',
      `The EST server has no ${target} (HTTP 404)${quote}. Check the EST URL in the organisation file.`,
      details,
    );
  }
  if (status >= 400 && status < 500) {
    return new EstError(
      'rejected',
      `The EST server at ${target} rejected the request (HTTP ${status})${quote}. Ask your administrator ` +
        'what the message means and whether your account may enroll.',
      details,
    );
  }
  if (status >= 500) {
    return new EstError(
      'server',
      `The CA at ${target} had a problem (HTTP ${status})${quote}. Try again later; if it keeps ` +
        'happening, contact support.',
      details,
    );
  }
  return new EstError(
    'protocol',
    `The EST server at ${target} answered HTTP ${status}, which is not an EST answer to this request. ` +
      'Check the EST URL in the organisation file.',
    details,
  );
}

/** Classifies a failed connection as 'tls' or 'network' and states what to check. */
export function describeConnectionError(target: URL, error: Error): EstError {
  const code = (error as NodeJS.ErrnoException).code ?? '';
  const details = { url: target.href, cause: error };

  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
    return new EstError(
      'tls',
      `The TLS certificate of the EST server at ${target.href} is not issued for ${target.hostname} (${code}). ` +
        'Check the EST URL in the organisation file; if it is right, contact support.',
      details,
    );
  }
  if (code === 'CERT_HAS_EXPIRED' || code === 'CERT_NOT_YET_VALID') {
    return new EstError(
      'tls',
      `The TLS certificate of the EST server at ${target.href} is outside its validity period (${code}). ` +
        "Check this computer's date and time; if they are right, contact support.",
      details,
    );
  }
  if (CERTIFICATE_CODES.has(code)) {
    return new EstError(
      'tls',
      `The TLS certificate of the EST server at ${target.href} is not signed by the organisation's pinned CA ` +
        `(${code}). Do not enroll on this network until support has checked the EST URL and the CA in the ` +
        'organisation file.',
      details,
    );
  }
  if (code.startsWith('ERR_TLS_') || code.startsWith('ERR_SSL_') || code === 'EPROTO') {
    return new EstError(
      'tls',
      `The TLS handshake with the EST server at ${target.href} failed (${code}: ${error.message}). ` +
        'Check that the URL points at an HTTPS EST server; if it does, contact support.',
      details,
    );
  }
  return new EstError('network', networkMessage(target, code, error), details);
}

function networkMessage(target: URL, code: string, error: Error): string {
  if (code === 'ECONNREFUSED') {
    return (
      `Could not connect to the EST server at ${target.href}: connection refused (${code}). Check the EST ` +
      'URL in the organisation file and try again; if it keeps happening, the CA may be down, so contact support.'
    );
  }
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    return (
      `Could not connect to the EST server at ${target.href}: host ${target.hostname} not found (${code}). ` +
      'Check your network connection and the EST URL in the organisation file.'
    );
  }
  if (code === 'ECONNRESET' || code === 'EPIPE') {
    return (
      `The connection to the EST server at ${target.href} was closed before the answer arrived (${code}). ` +
      'Try again; if it keeps happening, contact support.'
    );
  }
  const reason = code === '' ? error.message : `${code}: ${error.message}`;
  return (
    `Could not reach the EST server at ${target.href} (${reason}). Check your network connection and ` +
    'try again.'
  );
}

/** Formats the server's text body as `: "text"` for a message, or returns '' when there is none. */
function quotedText(response: { headers: IncomingHttpHeaders; body: Buffer }): string {
  const contentType = response.headers['content-type'];
  if (contentType !== undefined && !contentType.toLowerCase().startsWith('text/')) return '';

  const text = printable(response.body.toString('utf8'));
  if (text === '') return '';
  if (text.length <= MAX_QUOTED_CHARACTERS) return `: "${text}"`;
  return `: "${text.slice(0, MAX_QUOTED_CHARACTERS - 1)}…"`;
}

/**
 * Replaces control and format characters (which include the bidirectional overrides) with spaces
 * and collapses whitespace, so text from a server cannot forge lines in a message or a log.
 */
function printable(text: string): string {
  return text
    .replace(/[\p{Cc}\p{Cf}]/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

export function timeoutError(target: string, timeoutMs: number): EstError {
  const seconds = Number((timeoutMs / 1000).toFixed(1));
  return new EstError(
    'timeout',
    `The EST server did not answer ${target} within ${seconds} seconds. Check your network connection and ` +
      'try again; if it keeps happening, ask your administrator whether the CA is up.',
    { url: target },
  );
}

export function cancelledError(target: string): EstError {
  return new EstError('cancelled', `Cancelled the EST request to ${target}.`, { url: target });
}
