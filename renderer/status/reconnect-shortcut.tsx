import { useEffect, useRef, useState } from 'react';

import { callMain } from '../wizard-store.ts';
import { reconnectRefusal, type ReconnectContext } from './reconnect-refusal.ts';
import { isMacPlatform, isReconnectShortcut } from './status-text.ts';

const IS_MAC = isMacPlatform(navigator.platform);

// How long the notice after a refused shortcut stays on screen, in milliseconds.
const NOTICE_MS = 5_000;

// The pause between emptying the live region and filling it, so that screen readers announce a
// repeated sentence again.
const REANNOUNCE_MS = 50;

/**
 * Reconnects on Ctrl+Shift+R (Cmd+Shift+R on macOS) anywhere in the window. The browser's own
 * meaning of that shortcut, a reload that bypasses the cache, is prevented even when a
 * reconnect is not possible, so the key never reloads the app. When a reconnect is not
 * possible, a short notice explains why for a few seconds, in a live region. The notice floats
 * over the window, so it must sit outside any element with a CSS filter, which would anchor it.
 */
export function ReconnectShortcut({ context }: { context: ReconnectContext }) {
  const current = useRef(context);
  const [notice, setNotice] = useState('');
  const timer = useRef<number | undefined>(undefined);

  useEffect(() => {
    current.current = context;
  });

  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      if (!isReconnectShortcut(event, IS_MAC)) return;
      event.preventDefault();
      if (event.repeat) return;

      window.clearTimeout(timer.current);
      setNotice('');
      const refusal = reconnectRefusal(current.current);
      if (refusal === undefined) {
        void callMain('connection.reconnect', {});
        return;
      }

      timer.current = window.setTimeout(() => {
        setNotice(refusal);
        timer.current = window.setTimeout(() => setNotice(''), NOTICE_MS);
      }, REANNOUNCE_MS);
    };

    window.addEventListener('keydown', onKeyDown);
    return () => {
      window.removeEventListener('keydown', onKeyDown);
      window.clearTimeout(timer.current);
    };
  }, []);

  return (
    <p
      className={notice === '' ? 'shortcut-notice' : 'shortcut-notice shortcut-notice-shown'}
      role="status"
      aria-live="polite"
      data-testid="status-shortcut-notice"
    >
      {notice}
    </p>
  );
}
