import { describe, expect, it, vi } from 'vitest';

import { createLogger } from '../log/logger.ts';
import type { CallOutcome } from './contract.ts';
import { createHandlerRegistry, type Handlers } from './handler-registry.ts';

interface Sender {
  trusted: boolean;
}

function setUp(goTo = vi.fn(() => Promise.resolve({}))) {
  const lines: string[] = [];
  const registry = createHandlerRegistry<Sender>({
    handlers: { 'wizard.goTo': goTo } as unknown as Handlers,
    isTrustedSender: (sender) => sender.trusted,
    log: createLogger({ sinks: [{ write: (line) => lines.push(line) }] }),
  });
  return { registry, goTo, lines };
}

const trusted = { trusted: true };

function errorCode(outcome: CallOutcome<unknown> | undefined): string | undefined {
  return outcome?.ok === false ? outcome.error.code : undefined;
}

describe('handler registry', () => {
  it('passes a valid payload to its handler', async () => {
    const { registry, goTo } = setUp();

    const outcome = await registry.handle(trusted, {
      id: 1,
      call: 'wizard.goTo',
      payload: { step: 'identity' },
    });

    expect(outcome).toEqual({ ok: true, value: {} });
    expect(goTo).toHaveBeenCalledWith({ step: 'identity' });
  });

  it('rejects a malformed payload', async () => {
    const { registry, goTo, lines } = setUp();

    const outcome = await registry.handle(trusted, {
      id: 1,
      call: 'wizard.goTo',
      payload: { step: 'nowhere' },
    });

    expect(errorCode(outcome)).toBe('invalid-payload');
    expect(goTo).not.toHaveBeenCalled();
    expect(lines.join('\n')).toContain('Rejected a malformed payload');
  });

  it('rejects extra payload fields', async () => {
    const { registry, goTo } = setUp();

    const outcome = await registry.handle(trusted, {
      id: 1,
      call: 'wizard.goTo',
      payload: { step: 'identity', admin: true },
    });

    expect(outcome?.ok).toBe(false);
    expect(goTo).not.toHaveBeenCalled();
  });

  it('rejects an unknown call', async () => {
    const { registry } = setUp();

    const outcome = await registry.handle(trusted, { id: 1, call: 'toString', payload: {} });

    expect(errorCode(outcome)).toBe('unknown-call');
  });

  it('rejects a message without an id', async () => {
    const { registry } = setUp();

    const outcome = await registry.handle(trusted, { call: 'wizard.goTo', payload: {} });

    expect(errorCode(outcome)).toBe('invalid-message');
  });

  it('ignores a foreign sender', async () => {
    const { registry, goTo, lines } = setUp();

    const outcome = await registry.handle(
      { trusted: false },
      { id: 1, call: 'wizard.goTo', payload: { step: 'identity' } },
    );

    expect(outcome).toBeUndefined();
    expect(goTo).not.toHaveBeenCalled();
    expect(lines.join('\n')).toContain('Ignored a message');
  });

  it('returns a handler error as a value', async () => {
    const failing = vi.fn(() => Promise.reject(new Error('The "done" step is not available yet.')));
    const { registry } = setUp(failing);

    const outcome = await registry.handle(trusted, {
      id: 1,
      call: 'wizard.goTo',
      payload: { step: 'done' },
    });

    expect(outcome).toEqual({
      ok: false,
      error: { code: 'failed', message: 'The "done" step is not available yet.' },
    });
  });
});
