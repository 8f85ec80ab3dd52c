import { describe, expect, it } from 'vitest';

import type { EventMessage } from './contract.ts';
import { createEventQueue } from './event-queue.ts';
import type { WizardSnapshot } from './wizard-state.ts';

const state = (revision: number) => ({ revision }) as WizardSnapshot;

describe('event queue', () => {
  it('delivers held events in order', () => {
    const delivered: EventMessage[] = [];
    const queue = createEventQueue((message) => delivered.push(message));

    queue.send('wizard.state', state(1));
    queue.send('wizard.state', state(2));
    queue.markReady();

    expect(delivered.map((message) => (message.payload as WizardSnapshot).revision)).toEqual([
      1, 2,
    ]);
  });

  it('keeps the newest 500 events', () => {
    const delivered: EventMessage[] = [];
    const queue = createEventQueue((message) => delivered.push(message));

    for (let revision = 1; revision <= 600; revision++) queue.send('wizard.state', state(revision));
    queue.markReady();

    expect(delivered).toHaveLength(500);
    expect((delivered[0]?.payload as WizardSnapshot).revision).toBe(101);
  });
});
