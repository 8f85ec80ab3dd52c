import type { IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';

import { cancelledError, describeConnectionError, EstError, timeoutError } from './est-error.ts';

export interface HttpResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface HttpRequest {
  method: 'GET' | 'POST';
  headers: Record<string, string | number>;
  body?: string;
}

// EST responses carry a few certificates, a few kilobytes each.
const MAX_RESPONSE_BYTES = 1024 * 1024;

/**
 * Sends one request and collects the whole response. One timer covers connecting, TLS and the
 * response body; `signal` cancels at any point.
 */
export function exchange(
  target: URL,
  init: HttpRequest,
  options: { anchorsPem: string[]; timeoutMs: number },
  signal: AbortSignal | undefined,
): Promise<HttpResponse> {
  if (signal?.aborted) return Promise.reject(cancelledError(target.href));

  return new Promise((resolve, reject) => {
    // The reason is recorded before the request is destroyed, because destroying it also
    // raises a socket error that must not hide the real cause.
    let stopReason: EstError | undefined;
    let settled = false;

    const finish = (error: Error | undefined, response?: HttpResponse) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);

      if (error === undefined) {
        resolve(response!);
        return;
      }
      const described = error instanceof EstError ? error : describeConnectionError(target, error);
      reject(stopReason ?? described);
    };
    const stop = (reason: EstError) => {
      stopReason ??= reason;
      request.destroy(reason);
    };

    const request = httpsRequest(
      target,
      {
        method: init.method,
        headers: init.headers,
        ca: options.anchorsPem,
        rejectUnauthorized: true,
        minVersion: 'TLSv1.2',
        agent: false,
      },
      (response) => {
        const chunks: Buffer[] = [];
        let size = 0;

        response.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_RESPONSE_BYTES) {
            stop(
              new EstError(
                'protocol',
                `The response from ${target.href} is larger than 1 MiB, so it is not an EST response. ` +
                  'Check the EST URL in the organisation file.',
                { url: target.href },
              ),
            );
            return;
          }
          chunks.push(chunk);
        });
        response.on('end', () =>
          finish(undefined, {
            status: response.statusCode ?? 0,
            headers: response.headers,
            body: Buffer.concat(chunks),
          }),
        );
        response.on('error', (error) => finish(error));
      },
    );

    const timer = setTimeout(
      () => stop(timeoutError(target.href, options.timeoutMs)),
      options.timeoutMs,
    );
    const onAbort = () => stop(cancelledError(target.href));
    signal?.addEventListener('abort', onAbort, { once: true });

    request.on('error', (error) => finish(error));
    request.end(init.body);
  });
}
