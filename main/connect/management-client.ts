import { createConnection, type Socket } from 'node:net';

import { silentLogger, type Logger } from '../log/logger.ts';
import {
  ManagementParser,
  parseState,
  type ManagementLine,
  type ManagementNotification,
} from './management-parser.ts';

/** Raised when openvpn replies to a command with `ERROR:`. */
export class ManagementCommandError extends Error {
  override name = 'ManagementCommandError';

  constructor(
    readonly command: string,
    readonly reply: string,
  ) {
    super(`openvpn rejected the management command "${command}": ${reply}`);
  }
}

/** Raised for every command still waiting when the management socket closes or times out. */
export class ManagementClosedError extends Error {
  override name = 'ManagementClosedError';
}

export type OpenvpnSignal = 'SIGUSR1' | 'SIGUSR2' | 'SIGHUP' | 'SIGTERM';

export interface ManagementClientOptions {
  /** Milliseconds a command may wait for its reply before the connection is closed. */
  commandTimeoutMs?: number;
  log?: Logger;
}

interface PendingCommand {
  command: string;
  multiLine: boolean;
  lines: string[];
  resolve(lines: string[]): void;
  reject(error: Error): void;
}

const DEFAULT_COMMAND_TIMEOUT_MS = 10_000;

/**
 * A client for the OpenVPN management interface on a unix socket. openvpn replies to commands
 * in the order they were sent, so each reply goes to the oldest waiting command. Notifications
 * (`>STATE:`, `>LOG:` and the rest) go to the listeners at any time.
 */
export class ManagementClient {
  private readonly parser = new ManagementParser();
  private readonly queue: PendingCommand[] = [];
  private readonly notificationListeners = new Set<
    (notification: ManagementNotification) => void
  >();
  private readonly closeListeners = new Set<(error: Error | undefined) => void>();
  private readonly log: Logger;
  private readonly commandTimeoutMs: number;
  private closed = false;
  private closing = false;

  private constructor(
    private readonly socket: Socket,
    readonly socketPath: string,
    options: ManagementClientOptions,
  ) {
    this.log = options.log ?? silentLogger;
    this.commandTimeoutMs = options.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS;

    socket.on('data', (chunk: Buffer) => {
      for (const line of this.parser.push(chunk)) this.handleLine(line);
    });
    socket.on('error', (error) => this.finish(error));
    socket.on('close', () => this.finish(undefined));
  }

  /** Connects to the management socket at `socketPath`. */
  static connect(
    socketPath: string,
    options: ManagementClientOptions = {},
  ): Promise<ManagementClient> {
    return new Promise((resolve, reject) => {
      const socket = createConnection(socketPath);
      socket.once('error', reject);
      socket.once('connect', () => {
        socket.off('error', reject);
        resolve(new ManagementClient(socket, socketPath, options));
      });
    });
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Subscribes to notifications; returns the unsubscribe function. */
  onNotification(listener: (notification: ManagementNotification) => void): () => void {
    this.notificationListeners.add(listener);
    return () => this.notificationListeners.delete(listener);
  }

  /** Subscribes to the socket closing; the error is undefined when it closed cleanly. */
  onClose(listener: (error: Error | undefined) => void): () => void {
    this.closeListeners.add(listener);
    return () => this.closeListeners.delete(listener);
  }

  /** Sends a command whose reply is one `SUCCESS:` line and returns the text after it. */
  async command(command: string): Promise<string> {
    const [text] = await this.send(command, false);
    return text ?? '';
  }

  /** Sends a command whose reply is several lines ending in `END` and returns those lines. */
  commandLines(command: string): Promise<string[]> {
    return this.send(command, true);
  }

  /** Lets an openvpn started with `--management-hold` go on. */
  holdRelease(): Promise<string> {
    return this.command('hold release');
  }

  /** Turns `>STATE:` notifications on. */
  stateOn(): Promise<string> {
    return this.command('state on');
  }

  /** Turns `>LOG:` notifications on. */
  logOn(): Promise<string> {
    return this.command('log on');
  }

  /** Asks for a `>BYTECOUNT:` notification every `seconds`; 0 turns them off. */
  bytecount(seconds: number): Promise<string> {
    return this.command(`bytecount ${Math.max(0, Math.floor(seconds))}`);
  }

  /** Sends a signal to openvpn through the management interface. */
  signal(signal: OpenvpnSignal): Promise<string> {
    return this.command(`signal ${signal}`);
  }

  /** Returns the PID of the openvpn process, which is reliable even when a wrapper started it. */
  async pid(): Promise<number> {
    const text = await this.command('pid');
    const match = /^pid=(\d+)$/.exec(text);
    if (match === null) throw new Error(`openvpn returned an unreadable reply to "pid": ${text}`);
    return Number(match[1]);
  }

  /** Returns the current state, as the last `>STATE:` notification would have reported it. */
  async state(): Promise<Extract<ManagementNotification, { kind: 'state' }>> {
    const lines = await this.commandLines('state');
    const last = lines.at(-1);
    if (last === undefined) throw new Error('openvpn returned no lines for the "state" command');
    return parseState(last);
  }

  /** Closes the socket; openvpn keeps running. */
  close(): Promise<void> {
    if (this.closed) return Promise.resolve();

    this.closing = true;
    return new Promise((resolve) => {
      this.socket.once('close', () => resolve());
      this.socket.end();
    });
  }

  private send(command: string, multiLine: boolean): Promise<string[]> {
    if (/[\r\n]/.test(command)) {
      return Promise.reject(new Error('A management command must be a single line'));
    }
    if (this.closed) {
      return Promise.reject(
        new ManagementClosedError(
          `Cannot send "${command}": the openvpn management interface at ${this.socketPath} is closed.`,
        ),
      );
    }

    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.socket.destroy(
          new ManagementClosedError(
            `openvpn did not reply to "${command}" within ${this.commandTimeoutMs} ms on ` +
              `${this.socketPath}; the connection was closed.`,
          ),
        );
      }, this.commandTimeoutMs);

      this.queue.push({
        command,
        multiLine,
        lines: [],
        resolve: (lines) => {
          clearTimeout(timer);
          resolve(lines);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
      this.log.debug('Sent management command', { command: command.split(' ')[0] });
      this.socket.write(`${command}\n`);
    });
  }

  private handleLine(line: ManagementLine): void {
    if (line.type === 'notification') {
      for (const listener of this.notificationListeners) listener(line.notification);
      return;
    }

    const head = this.queue[0];
    if (head === undefined) {
      this.log.warn('Ignored a management reply with no command waiting', { type: line.type });
      return;
    }

    if (line.type === 'error') {
      this.queue.shift();
      head.reject(new ManagementCommandError(head.command, line.text));
      return;
    }

    if (!head.multiLine) {
      this.queue.shift();
      if (line.type === 'success') head.resolve([line.text]);
      else head.reject(new Error(`openvpn sent an unexpected reply to "${head.command}"`));
      return;
    }

    if (line.type === 'end') {
      this.queue.shift();
      head.resolve(head.lines);
      return;
    }

    head.lines.push(line.type === 'success' ? `SUCCESS: ${line.text}` : line.text);
  }

  private finish(error: Error | undefined): void {
    if (this.closed) return;
    this.closed = true;

    const cause = error?.message ?? 'the socket closed';
    for (const pending of this.queue.splice(0)) {
      pending.reject(
        error instanceof ManagementClosedError
          ? error
          : new ManagementClosedError(
              `The openvpn management interface at ${this.socketPath} closed before it replied to ` +
                `"${pending.command}" (${cause}); openvpn may have exited, see its log.`,
            ),
      );
    }

    if (!this.closing) this.log.info('Management connection closed', { reason: cause });
    for (const listener of this.closeListeners) listener(this.closing ? undefined : error);
    this.socket.destroy();
  }
}
