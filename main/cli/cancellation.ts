// Maximum delay that setInterval accepts, in milliseconds.
const MAX_TIMER_DELAY_MS = 2 ** 31 - 1;

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

/**
 * Resolves when `signal` aborts. Signal handlers and abort listeners do not keep Node's event
 * loop alive, so a command with nothing else pending would end at once with exit status 13
 * ("unsettled top-level await"). A timer keeps the loop running until the abort instead.
 */
export function untilAborted(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();

  return new Promise((resolve) => {
    const keepAlive = setInterval(() => undefined, MAX_TIMER_DELAY_MS);
    signal.addEventListener(
      'abort',
      () => {
        clearInterval(keepAlive);
        resolve();
      },
      { once: true },
    );
  });
}

/** Waits until Ctrl-C (SIGINT) or SIGTERM, for commands that run until interrupted. */
export function untilInterrupted(): Promise<void> {
  return withCancellation(untilAborted);
}
