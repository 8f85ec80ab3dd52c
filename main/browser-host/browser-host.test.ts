import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { WebSocket } from 'ws';

import type { Handlers } from '../contract/handler-registry.ts';
import { createLogger } from '../log/logger.ts';
import { startBrowserHost, upgradeProblem, type BrowserHost } from './browser-host.ts';

let directory: string;
let host: BrowserHost;

beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), 'browser-host-'));
  await writeFile(join(directory, 'index.html'), '<!doctype html><title>wizard</title>');
  host = await startBrowserHost({
    rendererDir: directory,
    handlers: { 'wizard.ready': vi.fn(() => Promise.resolve({})) } as unknown as Handlers,
    subscribeEvents: () => () => undefined,
    log: createLogger({ sinks: [] }),
  });
});

afterEach(async () => {
  await host.close();
  await rm(directory, { recursive: true, force: true });
});

function get(path: string, hostHeader = `127.0.0.1:${host.port}`) {
  return new Promise<{ status: number | undefined; headers: Record<string, unknown> }>(
    (resolve, reject) => {
      request(
        { host: '127.0.0.1', port: host.port, path, headers: { Host: hostHeader } },
        (response) => {
          response.resume();
          resolve({ status: response.statusCode, headers: response.headers });
        },
      )
        .on('error', reject)
        .end();
    },
  );
}

function openSocket(options: { origin?: string; token?: string }) {
  const socket = new WebSocket(
    `ws://127.0.0.1:${host.port}/contract?token=${options.token ?? host.token}`,
    { origin: options.origin ?? host.origin },
  );
  return new Promise<string>((resolve) => {
    socket.once('open', () => {
      socket.close();
      resolve('open');
    });
    socket.once('unexpected-response', (_request, response) =>
      resolve(`HTTP ${response.statusCode}`),
    );
    socket.once('error', () => resolve('error'));
  });
}

describe('browser host', () => {
  it('listens on loopback only', () => {
    expect(host.origin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(host.url).toContain('#token=');
  });

  it('serves the renderer with a strict CSP', async () => {
    const response = await get('/');

    expect(response.status).toBe(200);
    expect(response.headers['content-security-policy']).toContain("default-src 'none'");
    expect(response.headers['content-security-policy']).toContain(
      `connect-src ws://127.0.0.1:${host.port}`,
    );
  });

  it('rejects another Host name', async () => {
    expect((await get('/', `evil.example:${host.port}`)).status).toBe(403);
  });

  it('finds nothing outside the renderer', async () => {
    expect((await get('/../../etc/passwd')).status).toBe(404);
    expect((await get('/%2e%2e/%2e%2e/etc/passwd')).status).toBe(404);
  });

  it('accepts its own page', async () => {
    expect(await openSocket({})).toBe('open');
  });

  it('refuses another origin', async () => {
    expect(await openSocket({ origin: 'http://evil.example' })).toBe('HTTP 403');
  });

  it('survives a frame over the size limit', async () => {
    const socket = new WebSocket(`ws://127.0.0.1:${host.port}/contract?token=${host.token}`, {
      origin: host.origin,
    });
    await new Promise((resolve) => socket.once('open', resolve));
    const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));

    socket.send('x'.repeat(300 * 1024));

    expect(await closed).toBe(1009);
    expect(await openSocket({})).toBe('open');
  });

  it('refuses a wrong token', async () => {
    expect(await openSocket({ token: 'x'.repeat(32) })).toBe('HTTP 403');
  });
});

describe('upgrade checks', () => {
  const expected = {
    expectedHost: '127.0.0.1:5000',
    origin: 'http://127.0.0.1:5000',
    token: 'abc',
  };
  const headers = { host: '127.0.0.1:5000', origin: 'http://127.0.0.1:5000' };

  it('passes the app page', () => {
    expect(upgradeProblem({ headers, url: '/contract?token=abc' }, expected)).toBeUndefined();
  });

  it('names a missing Origin', () => {
    expect(
      upgradeProblem({ headers: { host: headers.host }, url: '/contract?token=abc' }, expected),
    ).toBe('unexpected Origin header');
  });

  it('names a localhost Host', () => {
    expect(
      upgradeProblem(
        { headers: { ...headers, host: 'localhost:5000' }, url: '/contract?token=abc' },
        expected,
      ),
    ).toBe('unexpected Host header');
  });
});
