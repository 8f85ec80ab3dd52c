import { describe, expect, it, vi } from 'vitest';

import { createLogger } from '../log/logger.ts';
import type { EventMessage } from './contract.ts';
import type { WizardSnapshot } from './wizard-state.ts';
import { createHandlerRegistry, type Handlers } from './handler-registry.ts';
import { createWindowChannel } from './window-channel.ts';

const snapshot = { revision: 7 } as WizardSnapshot;

function setUp() {
  const delivered: EventMessage[] = [];
  const registry = createHandlerRegistry<string>({
    handlers: { 'wizard.ready': vi.fn(() => Promise.resolve(snapshot)) } as unknown as Handlers,
    isTrustedSender: (sender) => sender === 'app',
    log: createLogger({ sinks: [] }),
  });
  const channel = createWindowChannel({ registry, deliver: (message) => delivered.push(message) });
  return { channel, delivered };
}

describe('window channel', () => {
  it('holds events until the renderer is ready', async () => {
    const { channel, delivered } = setUp();
    channel.events.send('wizard.state', snapshot);
    expect(delivered).toEqual([]);

    const { outcome, afterReply } = await channel.receive('app', {
      id: 1,
      call: 'wizard.ready',
      payload: {},
    });
    expect(outcome).toEqual({ ok: true, value: snapshot });
    expect(delivered).toEqual([]);

    afterReply();
    expect(delivered).toEqual([{ kind: 'event', event: 'wizard.state', payload: snapshot }]);
  });

  it('sends events straight away once ready', async () => {
    const { channel, delivered } = setUp();
    (await channel.receive('app', { id: 1, call: 'wizard.ready', payload: {} })).afterReply();

    channel.events.send('wizard.state', snapshot);

    expect(delivered).toHaveLength(1);
  });

  it('stays not ready after a foreign ready call', async () => {
    const { channel, delivered } = setUp();
    channel.events.send('wizard.state', snapshot);

    const { outcome, afterReply } = await channel.receive('other', {
      id: 1,
      call: 'wizard.ready',
      payload: {},
    });
    afterReply();

    expect(outcome).toBeUndefined();
    expect(delivered).toEqual([]);
  });
});
