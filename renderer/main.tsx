import { createRoot } from 'react-dom/client';

import { App } from './app.tsx';
import { connectBridge } from './contract-bridge.ts';
import { useStatusStore } from './status/status-store.ts';
import { useWizardStore } from './wizard-store.ts';
import './styles.css';

async function start(): Promise<void> {
  const store = useWizardStore.getState();
  const bridge = await connectBridge();
  store.setClient(bridge.client);

  // Subscribe before saying ready, so no event sent after the snapshot can be missed.
  bridge.client.on('wizard.state', (snapshot) => useWizardStore.getState().apply(snapshot));
  bridge.client.on('status.state', (snapshot) => useStatusStore.getState().apply(snapshot));
  bridge.onClose(() =>
    useWizardStore
      .getState()
      .setLink(
        'closed',
        'The connection to the app closed. Reload the page to continue where you left off.',
      ),
  );

  const outcome = await bridge.client.call('wizard.ready', {});
  if (!outcome.ok) throw new Error(outcome.error.message);
  store.apply(outcome.value);
  const status = await bridge.client.call('status.ready', {});
  if (!status.ok) throw new Error(status.error.message);
  useStatusStore.getState().apply(status.value);
  store.setLink('open');

  window.addEventListener('error', (event) => {
    void bridge.client.call('log.rendererError', { message: String(event.message) });
  });
  window.addEventListener('unhandledrejection', (event) => {
    const reason: unknown = event.reason;
    void bridge.client.call('log.rendererError', {
      message: reason instanceof Error ? reason.message : String(reason),
      stack: reason instanceof Error ? reason.stack : undefined,
    });
  });
}

const root = document.getElementById('root');
if (root === null) throw new Error('index.html has no #root element.');
createRoot(root).render(<App />);

start().catch((error: unknown) => {
  useWizardStore
    .getState()
    .setLink('failed', error instanceof Error ? error.message : String(error));
});
