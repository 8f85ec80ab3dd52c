import { connect } from 'node:net';

/** The outcome of one TCP connect. */
export type TcpProbeResult =
  | { ok: true; latencyMs: number }
  | {
      ok: false;
      latencyMs: number;
      reason: 'refused' | 'timeout' | 'unreachable' | 'error';
      message: string;
    };

/**
 * Opens a TCP connection to host:port and closes it at once, measuring the time to connect.
 * The caller decides which addresses may be probed; this function sends to whatever it gets.
 */
export function probeTcp(host: string, port: number, timeoutMs: number): Promise<TcpProbeResult> {
  const started = process.hrtime.bigint();
  const elapsed = () => Number(process.hrtime.bigint() - started) / 1e6;

  return new Promise((resolve) => {
    const socket = connect({ host, port });
    let settled = false;

    const finish = (result: TcpProbeResult) => {
      if (settled) return;
      settled = true;
      socket.destroy();
      resolve(result);
    };

    socket.setTimeout(timeoutMs, () => {
      finish({
        ok: false,
        latencyMs: elapsed(),
        reason: 'timeout',
        message: `no answer within ${timeoutMs} ms`,
      });
    });
    socket.once('connect', () => finish({ ok: true, latencyMs: elapsed() }));
    socket.once('error', (error: NodeJS.ErrnoException) => {
      const reason =
        error.code === 'ECONNREFUSED'
          ? 'refused'
          : error.code === 'EHOSTUNREACH' || error.code === 'ENETUNREACH'
            ? 'unreachable'
            : 'error';
      finish({ ok: false, latencyMs: elapsed(), reason, message: error.code ?? error.message });
    });
  });
}
