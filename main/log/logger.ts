import { appendFileSync, mkdirSync, renameSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** A scoped logger: `log.info('Started enrollment', { org: 'example-corp' })`. */
export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  child(scope: string): Logger;
}

export type LogFields = Record<string, string | number | boolean | undefined>;

const LEVELS: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };
const MAX_FILE_BYTES = 1024 * 1024;
const KEPT_FILES = 3;

// Secrets must never reach a log line, whatever a caller passes in by mistake.
const SECRET_PATTERNS: [RegExp, string][] = [
  [
    /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(-----END [A-Z ]*PRIVATE KEY-----|$)/g,
    '[private key]',
  ],
  [
    /-----BEGIN OpenVPN Static key V1-----[\s\S]*?(-----END OpenVPN Static key V1-----|$)/g,
    '[static key]',
  ],
  [/(authorization:\s*basic\s+)\S+/gi, '$1[redacted]'],
  [/(password|token|secret)=\S+/gi, '$1=[redacted]'],
];

/** Removes private keys, static keys, credentials and tokens from a log text. */
export function redact(text: string): string {
  return SECRET_PATTERNS.reduce(
    (result, [pattern, replacement]) => result.replace(pattern, replacement),
    text,
  );
}

/** Where log lines go: a rotated file, a stream such as stderr, or nowhere. */
export interface LogSink {
  write(line: string): void;
}

/** Appends to `file`, renaming it to file.1 (up to file.3) once it passes 1 MiB. */
export function rotatingFileSink(file: string): LogSink {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });

  return {
    write(line) {
      try {
        const size = statSync(file, { throwIfNoEntry: false })?.size ?? 0;
        if (size > MAX_FILE_BYTES) rotate(file);
        appendFileSync(file, line + '\n', { mode: 0o600 });
      } catch {
        // Logging must never take the app down; a full disk shows up elsewhere.
      }
    },
  };
}

function rotate(file: string): void {
  for (let index = KEPT_FILES - 1; index >= 1; index--) {
    try {
      renameSync(`${file}.${index}`, `${file}.${index + 1}`);
    } catch {
      // That generation does not exist yet.
    }
  }
  renameSync(file, `${file}.1`);
}

/** Creates a logger that writes lines at `level` and above to every sink. */
export function createLogger(options: {
  sinks: LogSink[];
  level?: LogLevel;
  scope?: string;
}): Logger {
  const threshold = LEVELS[options.level ?? 'info'];

  const emit = (scope: string, level: LogLevel, message: string, fields?: LogFields) => {
    if (LEVELS[level] < threshold) return;

    const details = Object.entries(fields ?? {})
      .filter(([, value]) => value !== undefined)
      .map(([key, value]) => `${key}=${JSON.stringify(value)}`)
      .join(' ');
    const line = redact(
      `${new Date().toISOString()} ${level.toUpperCase().padEnd(5)} ${scope}: ${message}${details ? ' ' + details : ''}`,
    );
    for (const sink of options.sinks) sink.write(line);
  };

  const make = (scope: string): Logger => ({
    debug: (message, fields) => emit(scope, 'debug', message, fields),
    info: (message, fields) => emit(scope, 'info', message, fields),
    warn: (message, fields) => emit(scope, 'warn', message, fields),
    error: (message, fields) => emit(scope, 'error', message, fields),
    child: (child) => make(`${scope}.${child}`),
  });

  return make(options.scope ?? 'main');
}

/** A logger that drops everything, for tests and library callers that pass none. */
export const silentLogger: Logger = createLogger({ sinks: [] });

/** Returns the log file of a data directory. */
export function logFilePath(dataDir: string): string {
  return join(dataDir, 'logs', 'vpn-onboard.log');
}
