import { create } from 'zustand';

import type { ContractClient } from '../main/contract/contract-client.ts';
import type { CallName, CallPayload, CallResult } from '../main/contract/contract.ts';
import type { WizardSnapshot, WizardStep } from '../main/contract/wizard-state.ts';

export type LinkState = 'connecting' | 'open' | 'closed' | 'failed';

interface WizardStore {
  snapshot: WizardSnapshot | undefined;
  /**
   * The step this window shows in place of the status window once setup is done, while the
   * user looks back through the steps. It belongs to this window alone (see `goToStep`).
   */
  reviewStep: WizardStep | undefined;
  link: LinkState;
  /** A problem with the link to main itself, shown above every step. */
  linkProblem: string | undefined;
  /** When the link to main closed or failed, as an ISO time; undefined while it is open. */
  linkLostAt: string | undefined;
  client: ContractClient | undefined;
  setClient(client: ContractClient): void;
  /** Keeps `snapshot` unless it is older than the one on screen. */
  apply(snapshot: WizardSnapshot): void;
  setLink(link: LinkState, problem?: string): void;
  call<Name extends CallName>(
    name: Name,
    payload: CallPayload<Name>,
  ): Promise<CallResult<Name> | undefined>;
}

export const useWizardStore = create<WizardStore>()((set, get) => ({
  snapshot: undefined,
  reviewStep: undefined,
  link: 'connecting',
  linkProblem: undefined,
  linkLostAt: undefined,
  client: undefined,

  setClient: (client) => set({ client }),

  apply(snapshot) {
    const current = get().snapshot;
    if (current !== undefined && current.revision > snapshot.revision) return;
    // Once main leaves the last step, setup is no longer done (such as after "Start over"), so
    // every window follows main's step again.
    set(snapshot.step === 'done' ? { snapshot } : { snapshot, reviewStep: undefined });
  },

  setLink(link, problem) {
    const lost = link === 'closed' || link === 'failed';
    set({
      link,
      linkProblem: problem,
      linkLostAt: lost ? (get().linkLostAt ?? new Date().toISOString()) : undefined,
    });
  },

  async call(name, payload) {
    const client = get().client;
    if (client === undefined) return undefined;

    const outcome = await client.call(name, payload);
    if (outcome.ok) {
      set({ linkProblem: undefined });
      return outcome.value;
    }
    set({ linkProblem: outcome.error.message });
    return undefined;
  },
}));

/** Returns the snapshot; only called below the point where the app has one. */
export function useSnapshot(): WizardSnapshot {
  const snapshot = useWizardStore((store) => store.snapshot);
  if (snapshot === undefined) throw new Error('The wizard rendered before its first snapshot.');
  return snapshot;
}

/** Calls main and returns the result, or undefined after showing the error. */
export function callMain<Name extends CallName>(
  name: Name,
  payload: CallPayload<Name>,
): Promise<CallResult<Name> | undefined> {
  return useWizardStore.getState().call(name, payload);
}

/**
 * Opens `step`. Before setup is done, main keeps the step, so every window and a reload follow
 * it. After that, looking back through the steps is this window's own business: it opens the
 * step here only, and the last step returns to the status window. Other windows and tabs keep
 * showing the status, and a reload lands on the status window again.
 */
export async function goToStep(step: WizardStep): Promise<void> {
  const store = useWizardStore.getState();
  if (store.snapshot?.step === 'done') {
    useWizardStore.setState({ reviewStep: step === 'done' ? undefined : step });
    return;
  }
  await store.call('wizard.goTo', { step });
}
