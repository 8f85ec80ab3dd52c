import { isRecordedOpenvpn, type ProcessRecord } from './process-record.ts';

/** Sends a signal to a process, as `process.kill` does; tests pass one that raises EPERM. */
export type SignalFunction = (pid: number, signal: NodeJS.Signals | 0) => void;

/**
 * The result of a signal: sent, the process was already gone, or the process belongs to another
 * user (an openvpn started as root through pkexec), so this process may not signal it.
 */
export type SignalResult = 'sent' | 'gone' | 'not-permitted';

/**
 * Signals the openvpn of `record`, or the probe signal 0 that only checks the permission. A PID
 * that no longer runs the recorded openvpn is never signalled. Raises for errors other than
 * ESRCH and EPERM.
 */
export function signalOpenvpn(
  record: ProcessRecord,
  signal: NodeJS.Signals | 0,
  send: SignalFunction,
): SignalResult {
  if (!isRecordedOpenvpn(record)) return 'gone';

  try {
    send(record.pid, signal);
    return 'sent';
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ESRCH') return 'gone';
    if (code === 'EPERM') return 'not-permitted';
    throw error;
  }
}

/** Returns the message for an openvpn this process may not signal and that did not stop. */
export function unstoppableMessage(record: ProcessRecord): string {
  return (
    `openvpn (PID ${record.pid}) runs as root and did not stop through its management ` +
    `interface, so its tunnel and routes may still be up. Stop it with "sudo kill ${record.pid}", ` +
    'then connect or disconnect again.'
  );
}
