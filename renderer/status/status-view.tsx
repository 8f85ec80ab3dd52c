import { useEffect, useRef } from 'react';

import type { NetworkStatusView, StatusSnapshot } from '../../main/contract/status-state.ts';
import { LAYER_LABELS } from '../../main/status/network-layers.ts';
import { callMain, goToStep, useSnapshot, useWizardStore } from '../wizard-store.ts';
import { ConnectionPanel } from './connection-panel.tsx';
import { NetworkCard } from './network-card.tsx';
import { ReconnectShortcut } from './reconnect-shortcut.tsx';
import { StatusAnnouncer } from './status-announcer.tsx';
import { useStatusStore } from './status-store.ts';
import { formatClockTime } from './status-text.ts';
import './status.css';

/**
 * Renders the window once setup is done: the connection and a card per network. The heading takes
 * focus when the view opens, as each wizard step's does, so keyboard users start there. Once the
 * link to main is lost, the view keeps the last state it had, dimmed, dated and without actions.
 */
export function StatusView() {
  const wizard = useSnapshot();
  const status = useStatusStore((store) => store.snapshot);
  const linkProblem = useWizardStore((store) => store.linkProblem);
  const link = useWizardStore((store) => store.link);
  const linkLostAt = useWizardStore((store) => store.linkLostAt);
  const heading = useRef<HTMLHeadingElement>(null);
  const stale = link === 'closed' || link === 'failed';

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
        <button type="button" className="quiet" onClick={() => void goToStep('certificate')}>
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
          <div
            className={stale ? 'status-content status-stale' : 'status-content'}
            data-testid="status-content"
          >
            {stale ? <StaleNote lostAt={linkLostAt ?? new Date().toISOString()} /> : null}
            <ConnectionPanel
              status={status}
              connection={wizard.connection}
              stale={stale}
              error={connectError}
            />
            <NetworkSection
              status={status}
              networkNames={wizard.organisation.networks}
              stale={stale}
            />
          </div>
        )}
        <StatusAnnouncer status={status} />
      </main>
      <ReconnectShortcut
        context={{
          state: status?.connectionState ?? wizard.connectionState,
          connection: wizard.connection,
          host: wizard.host,
          linked: !stale,
        }}
      />
    </div>
  );
}

/** States that the view below is the last state main sent, and when the link to main was lost. */
function StaleNote({ lostAt }: { lostAt: string }) {
  return (
    <div className="stale-note">
      <p data-testid="status-stale-note">
        Last known state, <time dateTime={lostAt}>{formatClockTime(lostAt)}</time>. It no longer
        updates.
      </p>
      <button type="button" onClick={() => window.location.reload()}>
        Reload
      </button>
    </div>
  );
}

function NetworkSection(props: { status: StatusSnapshot; networkNames: string[]; stale: boolean }) {
  const { reachability, probing } = props.status;
  const networks = reachability?.networks ?? props.networkNames.map(uncheckedNetwork);

  let note = 'Not checked yet';
  if (probing && !props.stale) note = 'Checking…';
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
          disabled={props.stale}
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
    statusChanged: false,
    layers: (['tunnel', 'vpn-gateway', 'gateway', 'host', 'service'] as const).map((layer) => ({
      layer,
      label: LAYER_LABELS[layer],
      status: 'unknown',
      detail: 'Not checked yet.',
    })),
    history: [],
  };
}
