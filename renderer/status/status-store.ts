import { create } from 'zustand';

import type { StatusSnapshot } from '../../main/contract/status-state.ts';

interface StatusStore {
  snapshot: StatusSnapshot | undefined;
  /** Keeps `snapshot` unless it is older than the one on screen. */
  apply(snapshot: StatusSnapshot): void;
}

/** The status window's copy of main's status snapshot. */
export const useStatusStore = create<StatusStore>()((set, get) => ({
  snapshot: undefined,

  apply(snapshot) {
    const current = get().snapshot;
    if (current !== undefined && current.revision > snapshot.revision) return;
    set({ snapshot });
  },
}));
