import type { LayerView, NetworkStatusView } from '../../main/contract/status-state.ts';
import { formatLatency } from '../../main/reach/judgement.ts';
import { LatencyChart } from './latency-chart.tsx';
import { LAYER_TONES, NETWORK_TONES, StatusShape } from './status-shape.tsx';
import { formatClockTime, LAYER_STATUS_LABELS, NETWORK_STATUS_LABELS } from './status-text.ts';

/**
 * Renders one network: its status, latest latency, the layers of the path to it, its latency history,
 * when its status last changed and the sentence that explains where the path breaks.
 */
export function NetworkCard(props: { network: NetworkStatusView; checked: boolean }) {
  const { network, checked } = props;
  const headingId = `network-${network.networkId}-name`;

  return (
    <article
      className={`network-card network-${network.status}`}
      aria-labelledby={headingId}
      data-testid={`network-${network.networkId}`}
    >
      <header className="network-head">
        <div className="network-name">
          <h3 id={headingId}>{network.name}</h3>
          {network.viaName === undefined ? null : (
            <span className="network-via">via {network.viaName}</span>
          )}
        </div>
        <span className="network-latency" data-testid="network-latency">
          {checked && network.latencyMs !== undefined ? formatLatency(network.latencyMs) : '—'}
          {checked && network.latencyMs === undefined ? (
            <span className="visually-hidden">no answer</span>
          ) : null}
        </span>
      </header>

      <p className="network-meta">
        <span className={`status-badge badge-${network.status}`} data-testid="network-status">
          <StatusShape tone={NETWORK_TONES[network.status]} size={12} />
          {NETWORK_STATUS_LABELS[network.status]}
        </span>
        {checked ? (
          <span data-testid="network-changed">
            changed <time dateTime={network.changedAt}>{formatClockTime(network.changedAt)}</time>
          </span>
        ) : (
          <span>not checked yet</span>
        )}
      </p>

      <ol className="layer-ladder" aria-label={`Path to ${network.name}`}>
        {network.layers.map((layer) => (
          <LayerRow key={layer.layer} layer={layer} />
        ))}
      </ol>

      <LatencyChart points={network.history} label={`Latency history of ${network.name}`} />

      <p className="network-explanation" data-testid="network-explanation">
        {network.explanation}
      </p>
    </article>
  );
}

function LayerRow({ layer }: { layer: LayerView }) {
  const value =
    layer.status === 'up' && layer.latencyMs !== undefined
      ? formatLatency(layer.latencyMs)
      : LAYER_STATUS_LABELS[layer.status];

  return (
    <li className={`layer layer-${layer.status}`} title={layer.detail} data-layer={layer.layer}>
      <StatusShape tone={LAYER_TONES[layer.status]} size={11} />
      <span className="layer-label">{layer.label}</span>
      <span className="layer-value">
        {value}
        <span className="visually-hidden">. {layer.detail}</span>
      </span>
    </li>
  );
}
