import { describe, expect, it } from 'vitest';

import { DISCONNECTED } from '../main/connect/connection-state.ts';
import type { WizardSnapshot } from '../main/contract/wizard-state.ts';
import { completedSteps, isSetupComplete, shownStep } from './wizard-view.ts';

function snapshot(patch: Partial<WizardSnapshot> = {}): WizardSnapshot {
  return {
    revision: 1,
    host: 'browser',
    step: 'welcome',
    organisation: {
      id: 'example',
      name: 'Example Corp',
      method: 'est',
      keyDescription: 'RSA 3072',
      networks: [],
    },
    identity: { name: '', email: '' },
    identityLocked: false,
    activity: 'idle',
    progress: [],
    connection: { available: true },
    connectionState: DISCONNECTED,
    ...patch,
  };
}

const INSTALLED = { profilePath: '/home/dana/.config/VPN Onboard/profiles/example.ovpn' };

describe('shown step', () => {
  it('follows main before setup is done', () => {
    expect(shownStep(snapshot({ step: 'install', ...INSTALLED }), 'certificate')).toBe('install');
  });

  it('shows the step under review after setup', () => {
    expect(shownStep(snapshot({ step: 'done', ...INSTALLED }), 'certificate')).toBe('certificate');
  });

  it('shows the status window without a review', () => {
    expect(shownStep(snapshot({ step: 'done', ...INSTALLED }), undefined)).toBe('done');
  });
});

describe('setup complete', () => {
  it('is complete once a profile is installed', () => {
    expect(isSetupComplete(snapshot({ step: 'certificate', ...INSTALLED }))).toBe(true);
  });

  it('is not complete without a profile', () => {
    expect(isSetupComplete(snapshot({ step: 'signing' }))).toBe(false);
  });
});

describe('completed steps', () => {
  it('marks the steps before the current one', () => {
    const completed = completedSteps(snapshot({ step: 'request' }), 'request');

    expect([...completed]).toEqual(['welcome', 'identity']);
  });

  it('keeps later steps marked while reviewing', () => {
    const completed = completedSteps(snapshot({ step: 'done', ...INSTALLED }), 'certificate');

    expect([...completed].sort()).toEqual(
      ['certificate', 'connect', 'identity', 'install', 'request', 'signing', 'welcome'].sort(),
    );
  });

  it('leaves the status step unmarked', () => {
    const completed = completedSteps(snapshot({ step: 'done', ...INSTALLED }), 'connect');

    expect(completed.has('done')).toBe(false);
  });

  it('marks the install step once the profile is installed', () => {
    const completed = completedSteps(
      snapshot({ step: 'certificate', ...INSTALLED }),
      'certificate',
    );

    expect(completed.has('install')).toBe(true);
    expect(completed.has('connect')).toBe(false);
  });
});
