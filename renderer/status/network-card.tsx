import type { LayerView, NetworkStatusView } from '../../main/contract/status-state.ts';
import { LatencyChart } from './latency-chart.tsx';
import { changeNote, headlineLatency, layerValue } from './network-text.ts';
import { LAYER_TONES, NETWORK_TONES, StatusShape } from './status-shape.tsx';
import { NETWORK_STATUS_LABELS } from './status-text.ts';

/**
 * Renders one network: its status, latest latency, the layers of the path to it, its latency history,
 * when its status last changed and the sentence that explains where the path breaks. The headline
 * latency is muted unless the network is reachable, so a degraded network never looks healthy.
 */
export function NetworkCard(props: { network: NetworkStatusView; checked: boolean }) {
  const { network, checked } = props;
  const headingId = `network-${network.networkId}-name`;
  const latency = headlineLatency(network, checked);
  const change = changeNote(network);

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
        <span
          className={latency.muted ? 'network-latency latency-muted' : 'network-latency'}
          data-testid="network-latency"
          title={latency.note}
        >
          {latency.text}
          {latency.note === undefined ? null : (
            <span className="visually-hidden">, {latency.note}</span>
          )}
        </span>
      </header>

      <p className="network-meta">
        <span className={`status-badge badge-${network.status}`} data-testid="network-status">
          <StatusShape tone={NETWORK_TONES[network.status]} size={12} />
          {NETWORK_STATUS_LABELS[network.status]}
        </span>
        {checked ? (
          <span data-testid="network-changed">
            {change.label} <time dateTime={network.changedAt}>{change.time}</time>
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
  const value = layerValue(layer);

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
