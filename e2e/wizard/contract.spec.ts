import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';

import { connectContract } from './contract-helpers.ts';
import { requireChromium } from './requirements.ts';
import { expect, test } from './wizard-fixtures.ts';

requireChromium();

test.describe('contract over the browser host', () => {
  test('rejects a malformed payload', async ({ startWizard }) => {
    const wizard = await startWizard({ method: 'est' });
    const connection = await connectContract(wizard.served.host);

    const outcome = await connection.client.call('wizard.saveIdentity', {
      name: 42,
      email: 'dana@example.org',
    } as unknown as { name: string; email: string });

    expect(outcome.ok).toBe(false);
    expect(outcome.ok ? undefined : outcome.error.code).toBe('invalid-payload');
    expect(wizard.logLines.some((line) => line.includes('Rejected a malformed payload'))).toBe(
      true,
    );
    expect(wizard.served.service.snapshot().identity.name).toBe('Dana Example');
    connection.close();
  });

  test('rejects a message that is not a call', async ({ startWizard }) => {
    const wizard = await startWizard({ method: 'est' });
    const connection = await connectContract(wizard.served.host);

    const reply = connection.nextMessage();
    connection.sendRaw('{"hello": "world"}');

    expect(await reply).toMatchObject({
      kind: 'reply',
      outcome: { ok: false, error: { code: 'invalid-message' } },
    });
    connection.close();
  });

  test('delivers an event sent before ready', async ({ startWizard }) => {
    const wizard = await startWizard({ method: 'est' });
    const connection = await connectContract(wizard.served.host);
    const received: unknown[] = [];
    connection.socket.on('message', (data: Buffer) => received.push(JSON.parse(data.toString())));

    await wizard.served.service.goTo('identity');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(received).toEqual([]);

    connection.sendRaw(JSON.stringify({ id: 1, call: 'wizard.ready', payload: {} }));
    // The status window's events wait in the same queue; this test follows the wizard's.
    const wizardMessages = () =>
      received.filter((message) => (message as { event?: string }).event !== 'status.state');
    await expect.poll(() => wizardMessages().length).toBe(2);
    expect(wizardMessages()[0]).toMatchObject({ kind: 'reply', id: 1, outcome: { ok: true } });
    expect(wizardMessages()[1]).toMatchObject({
      kind: 'event',
      event: 'wizard.state',
      payload: { step: 'identity' },
    });
    connection.close();
  });

  test('refuses a WebSocket without the token', async ({ startWizard }) => {
    const wizard = await startWizard({ method: 'est' });
    await expect(connectContract(wizard.served.host, { token: 'guessed' })).rejects.toThrow(
      'HTTP 403',
    );
  });

  test('refuses a DNS-rebinding Host name', async ({ startWizard }) => {
    const wizard = await startWizard({ method: 'est' });
    const { port } = wizard.served.host;

    const status = await new Promise<number | undefined>((resolve, reject) => {
      request(
        { host: '127.0.0.1', port, path: '/', headers: { Host: `rebind.example:${port}` } },
        (response) => {
          response.resume();
          resolve(response.statusCode);
        },
      )
        .on('error', reject)
        .end();
    });
    expect(status).toBe(403);

    await expect(
      connectContract(wizard.served.host, { host: `rebind.example:${port}` }),
    ).rejects.toThrow('HTTP 403');
  });

  test('refuses a cross-origin WebSocket', async ({ page, startWizard }) => {
    const wizard = await startWizard({ method: 'est' });
    const other = createServer((_request, response) => {
      response
        .writeHead(200, { 'Content-Type': 'text/html' })
        .end('<!doctype html><title>other</title>');
    });
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
    const otherPort = (other.address() as AddressInfo).port;

    try {
      await page.goto(`http://127.0.0.1:${otherPort}/`);
      // Even a page that somehow learned the token gets nothing from another origin.
      const result = await page.evaluate(
        (url) =>
          new Promise<string>((resolve) => {
            const socket = new WebSocket(url);
            socket.onopen = () => resolve('open');
            socket.onclose = () => resolve('closed');
          }),
        `ws://127.0.0.1:${wizard.served.host.port}/contract?token=${wizard.served.host.token}`,
      );
      expect(result).toBe('closed');
      expect(wizard.served.host.connections).toBe(0);
      expect(wizard.logLines.some((line) => line.includes('unexpected Origin header'))).toBe(true);
    } finally {
      await new Promise((resolve) => other.close(resolve));
    }
  });
});
