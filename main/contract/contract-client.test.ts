import { describe, expect, it, vi } from 'vitest';

import { createContractClient, type ContractTransport } from './contract-client.ts';
import type { EventMessage } from './contract.ts';

function fakeTransport() {
  const listeners = new Set<(message: EventMessage) => void>();
  const transport: ContractTransport = {
    invoke: vi.fn(() => Promise.reject(new Error('IPC channel closed'))),
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
  const push = (message: EventMessage) => listeners.forEach((listener) => listener(message));
  return { transport, push };
}

describe('contract client', () => {
  it('returns a transport failure as a value', async () => {
    const { transport } = fakeTransport();
    const client = createContractClient(transport);

    const outcome = await client.call('wizard.retryNow', {});

    expect(outcome).toEqual({
      ok: false,
      error: { code: 'failed', message: 'IPC channel closed' },
    });
  });

  it('drops an event that fails its schema', () => {
    const { transport, push } = fakeTransport();
    const onInvalid = vi.fn();
    const listener = vi.fn();
    createContractClient(transport, onInvalid).on('wizard.state', listener);

    push({ kind: 'event', event: 'wizard.state', payload: { step: 'welcome' } });

    expect(listener).not.toHaveBeenCalled();
    expect(onInvalid).toHaveBeenCalledWith(expect.stringContaining('Invalid wizard.state event'));
  });
});
