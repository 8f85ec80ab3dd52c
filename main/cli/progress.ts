import type { EnrollmentEvent, EnrollmentStep } from '../enroll/enrollment.ts';

const STEP_LABELS: Record<EnrollmentStep, string> = {
  key: 'Private key',
  csr: 'Signing request',
  cacerts: 'CA certificates',
  submit: 'Signing',
  verify: 'Certificate check',
  install: 'Profile',
};

const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

/** Where progress goes: a spinner on a terminal, plain lines in a pipe or log, or nowhere. */
export interface Progress {
  event(event: EnrollmentEvent): void;
  line(text: string): void;
  stop(): void;
}

/**
 * Renders enrollment events on `stream`. On a terminal a running step shows a spinner and,
 * while the CA has the request pending, a countdown to the next check; elsewhere each step
 * prints one plain line when it starts and one when it ends.
 */
export function createProgress(
  stream: NodeJS.WriteStream,
  options: { quiet?: boolean; polling?: boolean } = {},
): Progress {
  if (options.quiet)
    return { event: () => undefined, line: () => undefined, stop: () => undefined };

  const interactive = stream.isTTY === true && process.env.TERM !== 'dumb';
  let timer: NodeJS.Timeout | undefined;
  let frame = 0;
  let current = '';
  let startedAt = Date.now();

  const clear = () => {
    if (timer !== undefined) clearInterval(timer);
    timer = undefined;
    if (interactive) stream.write('\r\x1b[2K');
  };

  const spin = (text: string) => {
    current = text;
    if (!interactive) return;
    if (timer !== undefined) return;
    timer = setInterval(() => {
      frame = (frame + 1) % SPINNER.length;
      stream.write(`\r\x1b[2K${SPINNER[frame]} ${current}`);
    }, 80);
    timer.unref();
  };

  return {
    event(event) {
      if (event.type === 'step-started') {
        startedAt = Date.now();
        const text = `${STEP_LABELS[event.step]}: ${event.detail}…`;
        if (interactive) spin(text);
        else stream.write(`  ${text}\n`);
        return;
      }

      if (event.type === 'step-finished') {
        clear();
        const seconds = ((Date.now() - startedAt) / 1000).toFixed(2);
        stream.write(`✓ ${STEP_LABELS[event.step].padEnd(18)} ${event.detail} (${seconds} s)\n`);
        return;
      }

      if (options.polling === false) {
        clear();
        stream.write('  The CA has not signed the request yet.\n');
        return;
      }

      const message = () => {
        const seconds = Math.max(0, Math.ceil((event.retryAt.getTime() - Date.now()) / 1000));
        return `Waiting for the CA to approve the request; next check in ${seconds} s (Ctrl-C to stop, the request is kept)`;
      };
      clear();
      if (!interactive) {
        stream.write(`  ${message()}\n`);
        return;
      }
      current = message();
      timer = setInterval(() => {
        frame = (frame + 1) % SPINNER.length;
        stream.write(`\r\x1b[2K${SPINNER[frame]} ${message()}`);
      }, 250);
      timer.unref();
    },
    line(text) {
      clear();
      stream.write(text + '\n');
      if (current !== '' && interactive && timer === undefined) current = '';
    },
    stop: clear,
  };
}
