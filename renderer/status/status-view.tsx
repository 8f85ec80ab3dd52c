import { useEffect, useRef } from 'react';

import type { NetworkStatusView, StatusSnapshot } from '../../main/contract/status-state.ts';
import { LAYER_LABELS } from '../../main/status/network-layers.ts';
import { callMain, useSnapshot, useWizardStore } from '../wizard-store.ts';
import { ConnectionPanel } from './connection-panel.tsx';
import { NetworkCard } from './network-card.tsx';
import { StatusAnnouncer } from './status-announcer.tsx';
import { useStatusStore } from './status-store.ts';
import { formatClockTime } from './status-text.ts';
import './status.css';

/**
 * Renders the window once setup is done: the connection and a card per network. The heading takes
 * focus when the view opens, as each wizard step's does, so keyboard users start there.
 */
export function StatusView() {
  const wizard = useSnapshot();
  const status = useStatusStore((store) => store.snapshot);
  const linkProblem = useWizardStore((store) => store.linkProblem);
  const heading = useRef<HTMLHeadingElement>(null);

  useEffect(() => {
    heading.current?.focus();
    document.title = 'VPN status · VPN Onboard';
  }, []);

  const connectError = wizard.error?.step === 'connect' ? wizard.error.message : undefined;

  return (
    <div className="status-window">
      <header className="status-bar">
        <span className="brand-mark" aria-hidden="true" />
        <div className="status-title">
          <h1 id="status-heading" ref={heading} tabIndex={-1}>
            VPN status
          </h1>
          <span className="status-org">{wizard.organisation.name}</span>
        </div>
        {wizard.host === 'browser' ? <span className="host-note">Browser preview</span> : null}
        <button
          type="button"
          className="quiet"
          onClick={() => void callMain('wizard.goTo', { step: 'certificate' })}
        >
          Setup
        </button>
      </header>

      <main className="status-main" aria-labelledby="status-heading">
        {linkProblem === undefined ? null : (
          <div className="banner" role="alert">
            {linkProblem}
          </div>
        )}
        {status === undefined ? (
          <div className="loading" aria-busy="true">
            Loading…
          </div>
        ) : (
          <>
            <ConnectionPanel status={status} connection={wizard.connection} error={connectError} />
            <NetworkSection status={status} networkNames={wizard.organisation.networks} />
          </>
        )}
        <StatusAnnouncer status={status} />
      </main>
    </div>
  );
}

function NetworkSection(props: { status: StatusSnapshot; networkNames: string[] }) {
  const { reachability, probing } = props.status;
  const networks = reachability?.networks ?? props.networkNames.map(uncheckedNetwork);

  let note = 'Not checked yet';
  if (probing) note = 'Checking…';
  else if (reachability !== undefined) note = `Checked ${formatClockTime(reachability.checkedAt)}`;

  return (
    <section className="networks" aria-labelledby="networks-heading">
      <div className="networks-head">
        <h2 id="networks-heading">Networks</h2>
        <span className="networks-note" id="networks-note" data-testid="networks-note">
          {note}
        </span>
        <button
          type="button"
          aria-describedby="networks-note"
          onClick={() => void callMain('status.probeNow', {})}
        >
          Check now
        </button>
      </div>
      {networks.length === 0 ? (
        <p className="muted">The organisation file lists no networks to check.</p>
      ) : (
        <ul className="network-cards">
          {networks.map((network) => (
            <li key={network.networkId}>
              <NetworkCard network={network} checked={reachability !== undefined} />
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

/** Builds the card of a network before its first round, with the same rows, so nothing moves later. */
function uncheckedNetwork(name: string, index: number): NetworkStatusView {
  return {
    networkId: `unchecked-${index}`,
    name,
    status: 'unknown',
    explanation: 'Waiting for the first check.',
    changedAt: new Date().toISOString(),
    layers: (['tunnel', 'vpn-gateway', 'gateway', 'host', 'service'] as const).map((layer) => ({
      layer,
      label: LAYER_LABELS[layer],
      status: 'unknown',
      detail: 'Not checked yet.',
    })),
    history: [],
  };
}
