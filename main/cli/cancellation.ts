/**
 * Runs `task` with an AbortSignal that Ctrl-C (SIGINT) or SIGTERM triggers, so a long step
 * stops cleanly and leaves its saved state for the next run.
 */
export async function withCancellation<T>(task: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const abort = () => controller.abort();
  process.once('SIGINT', abort);
  process.once('SIGTERM', abort);

  try {
    return await task(controller.signal);
  } finally {
    process.removeListener('SIGINT', abort);
    process.removeListener('SIGTERM', abort);
  }
}
