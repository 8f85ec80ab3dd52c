import { create } from 'zustand';

import type { ContractClient } from '../main/contract/contract-client.ts';
import type { CallName, CallPayload, CallResult } from '../main/contract/contract.ts';
import type { WizardSnapshot } from '../main/contract/wizard-state.ts';

type LinkState = 'connecting' | 'open' | 'closed' | 'failed';

interface WizardStore {
  snapshot: WizardSnapshot | undefined;
  link: LinkState;
  /** A problem with the link to main itself, shown above every step. */
  linkProblem: string | undefined;
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
  link: 'connecting',
  linkProblem: undefined,
  client: undefined,

  setClient: (client) => set({ client }),

  apply(snapshot) {
    const current = get().snapshot;
    if (current !== undefined && current.revision > snapshot.revision) return;
    set({ snapshot });
  },

  setLink: (link, problem) => set({ link, linkProblem: problem }),

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
