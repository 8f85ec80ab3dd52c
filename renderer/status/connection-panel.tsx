import type { ReactNode } from 'react';

import {
  canConnect,
  canDisconnect,
  canReconnect,
  describeState,
  type ConnectionState,
} from '../../main/connect/connection-state.ts';
import type { StatusSnapshot } from '../../main/contract/status-state.ts';
import type { ConnectionSupport } from '../../main/contract/wizard-state.ts';
import { callMain } from '../wizard-store.ts';
import { connectionTone, StatusShape } from './status-shape.tsx';
import {
  certificateNeedsAttention,
  formatBytes,
  formatDay,
  formatDaysLeft,
  isMacPlatform,
  reconnectShortcut,
} from './status-text.ts';

const IS_MAC = isMacPlatform(navigator.platform);
const SHORTCUT = reconnectShortcut(IS_MAC);

interface ConnectionPanelProps {
  status: StatusSnapshot;
  connection: ConnectionSupport;
  /** True once the link to main is lost: the panel shows the last known state, with no actions. */
  stale: boolean;
  /** A failed connect, reconnect or disconnect, as the wizard service reported it. */
  error: string | undefined;
}

/**
 * Shows the tunnel at a glance: its state, server, address, traffic and the certificate's expiry,
 * with Connect, Reconnect and Disconnect enabled by the same predicates as everywhere else.
 */
export function ConnectionPanel({ status, connection, stale, error }: ConnectionPanelProps) {
  const state = status.connectionState;

  return (
    <section className="connection-panel" aria-labelledby="connection-heading">
      <h2 id="connection-heading" className="visually-hidden">
        Connection
      </h2>
      <div className="connection-headline">
        <StatusShape tone={connectionTone(state)} size={22} />
        <p
          className="connection-line"
          role="status"
          aria-live="polite"
          data-testid="status-connection-state"
        >
          {describeState(state)}
        </p>
      </div>

      <dl className="connection-facts">
        <Fact label="VPN server" testId="status-endpoint">
          {'endpoint' in state ? `${state.endpoint.host}:${state.endpoint.port}` : '—'}
        </Fact>
        <Fact label="Your VPN address" testId="status-tunnel-address">
          {'tunnelAddress' in state ? state.tunnelAddress : '—'}
        </Fact>
        <Fact label="Traffic" testId="status-traffic">
          {status.traffic === undefined ? (
            '—'
          ) : (
            <>
              <span aria-hidden="true">↓</span>
              <span className="visually-hidden">received</span>{' '}
              {formatBytes(status.traffic.bytesIn)} <span aria-hidden="true">↑</span>
              <span className="visually-hidden">sent</span> {formatBytes(status.traffic.bytesOut)}
            </>
          )}
        </Fact>
        <CertificateFact certificate={status.certificate} />
      </dl>

      {connection.available ? (
        <ConnectionButtons state={state} disabled={stale} />
      ) : (
        <p className="connection-unavailable" data-testid="status-connect-unavailable">
          {connection.reason}
        </p>
      )}
      {error === undefined ? null : (
        <div className="step-error" role="alert">
          {error}
        </div>
      )}
    </section>
  );
}

function Fact(props: { label: string; testId: string; children: ReactNode }) {
  return (
    <div className="fact">
      <dt>{props.label}</dt>
      <dd data-testid={props.testId}>{props.children}</dd>
    </div>
  );
}

function CertificateFact({ certificate }: { certificate: StatusSnapshot['certificate'] }) {
  if (certificate === undefined) {
    return (
      <Fact label="Certificate" testId="status-certificate">
        Not installed
      </Fact>
    );
  }

  const warn = certificateNeedsAttention(certificate.daysLeft);
  const expired = certificate.daysLeft < 0;
  return (
    <div className={warn ? 'fact fact-warning' : 'fact'}>
      <dt>Certificate</dt>
      <dd data-testid="status-certificate" title={certificate.subject}>
        {warn ? <StatusShape tone={expired ? 'bad' : 'warn'} size={12} /> : null}
        {expired ? 'Expired on ' : 'Expires '}
        <time dateTime={certificate.notAfter}>{formatDay(certificate.notAfter)}</time>
        {expired ? null : (
          <span className="fact-note"> ({formatDaysLeft(certificate.daysLeft)})</span>
        )}
      </dd>
    </div>
  );
}

function ConnectionButtons({ state, disabled }: { state: ConnectionState; disabled: boolean }) {
  const connectable = canConnect(state) && !disabled;

  return (
    <div className="connection-buttons">
      <button
        type="button"
        className={connectable ? 'primary' : undefined}
        disabled={!connectable}
        onClick={() => void callMain('connection.connect', {})}
      >
        Connect
      </button>
      <button
        type="button"
        disabled={disabled || !canReconnect(state)}
        aria-keyshortcuts={SHORTCUT.aria}
        onClick={() => void callMain('connection.reconnect', {})}
      >
        Reconnect <kbd aria-hidden="true">{SHORTCUT.label}</kbd>
      </button>
      <button
        type="button"
        disabled={disabled || !canDisconnect(state)}
        onClick={() => void callMain('connection.disconnect', {})}
      >
        Disconnect
      </button>
    </div>
  );
}
