import { useEffect, useRef, useState } from 'react';

import type { StatusSnapshot } from '../../main/contract/status-state.ts';
import type { NetworkStatus } from '../../main/reach/reachability.ts';
import { NETWORK_STATUS_LABELS } from './status-text.ts';

/**
 * Renders a polite live region that announces to screen reader users when a network's status changes, such
 * as "Azure VNet is now unreachable". The connection line has its own live region.
 */
export function StatusAnnouncer({ status }: { status: StatusSnapshot | undefined }) {
  const [message, setMessage] = useState('');
  const previous = useRef<Map<string, NetworkStatus> | undefined>(undefined);
  const networks = status?.reachability?.networks;

  useEffect(() => {
    if (networks === undefined) return;

    const before = previous.current;
    previous.current = new Map(networks.map((network) => [network.networkId, network.status]));
    // The first round is what the window opens with, not a change.
    if (before === undefined) return;

    const changes = networks
      .filter((network) => before.get(network.networkId) !== network.status)
      .map(
        (network) =>
          `${network.name} is now ${NETWORK_STATUS_LABELS[network.status].toLowerCase()}.`,
      );
    if (changes.length > 0) setMessage(changes.join(' '));
  }, [networks]);

  return (
    <div
      className="visually-hidden"
      role="status"
      aria-live="polite"
      data-testid="status-announcer"
    >
      {message}
    </div>
  );
}
