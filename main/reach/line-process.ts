import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';

/** One request to a `LineProcess`: the input to write and how to read the lines it produces. */
export interface LineBatch<T> {
  /** Text written to the child's standard input, ending with a line break. */
  input: string;
  /** Milliseconds the batch may take before it counts as stalled. */
  timeoutMs: number;
  /** Reads one output line and returns true once the batch is complete. */
  readLine: (line: string) => boolean;
  /** Returns the result of a complete batch. */
  finish: () => T;
  /** Returns the result of a stalled batch, or throws the error to reject it with. */
  stalled: () => T;
}

export interface LineProcessOptions {
  /** The program and its arguments, started without a shell. */
  command: string;
  args: string[];
  /** The stream whose lines complete a batch. The other stream is read and dropped. */
  lineStream: 'stdout' | 'stderr';
  /** The program's name in error messages, e.g. `ip`. */
  name: string;
}

interface PendingBatch {
  child: ChildProcessWithoutNullStreams;
  readLine: (line: string) => boolean;
  complete: () => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

/**
 * Keeps one child process running, writes each batch to its standard input and collects the
 * lines it prints until the batch is complete. Batches run one at a time. A child that exits
 * fails the batch it was working on, and a stalled batch kills its child. Either way the next
 * batch starts a new child.
 */
export class LineProcess {
  private child: ChildProcessWithoutNullStreams | undefined;
  private pending: PendingBatch | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private closed: Error | undefined;

  constructor(private readonly options: LineProcessOptions) {}

  /**
   * Runs `batch` after every batch requested before it has settled. After `close`, the batch is
   * rejected with the error given to `close` and no child starts.
   */
  run<T>(batch: LineBatch<T>): Promise<T> {
    const next = this.queue.then(() => this.send(batch));
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** The PID of the running child, for CPU accounting, or undefined while none runs. */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  /**
   * Ends the child's input, so it exits, and rejects the batch in progress and every later batch,
   * queued or new, with `error`.
   */
  close(error: Error): void {
    this.closed ??= error;
    const child = this.child;
    this.child = undefined;
    child?.stdin.end();
    this.fail(error);
  }

  private send<T>(batch: LineBatch<T>): Promise<T> {
    // A batch queued before close would otherwise start a child that nothing ends.
    if (this.closed !== undefined) return Promise.reject(this.closed);
    const child = this.child ?? this.start();

    return new Promise<T>((resolve, reject) => {
      const settle = (result: () => T) => {
        try {
          resolve(result());
        } catch (error) {
          reject(error instanceof Error ? error : new Error(String(error)));
        }
      };

      const timer = setTimeout(() => {
        if (this.pending?.child !== child) return;
        this.pending = undefined;
        // The child may still print the rest of this batch, which would confuse the next one.
        child.kill('SIGKILL');
        if (this.child === child) this.child = undefined;
        settle(batch.stalled);
      }, batch.timeoutMs);

      this.pending = {
        child,
        readLine: batch.readLine,
        complete: () => settle(batch.finish),
        reject,
        timer,
      };
      child.stdin.write(batch.input);
    });
  }

  private start(): ChildProcessWithoutNullStreams {
    const { command, args, lineStream, name } = this.options;
    const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    this.child = child;

    const lines = lineStream === 'stdout' ? child.stdout : child.stderr;
    const other = lineStream === 'stdout' ? child.stderr : child.stdout;
    createInterface({ input: lines }).on('line', (line) => this.onLine(child, line));
    other.resume();
    // A child that exits before reading its input closes the pipe, and the exit event reports it.
    child.stdin.on('error', () => undefined);
    child.on('error', (error) => this.onExit(child, error));
    child.on('exit', (code, signal) => {
      const status = code === null ? `on signal ${signal}` : `with status ${code}`;
      this.onExit(child, new Error(`${name} exited ${status}`));
    });
    return child;
  }

  private onLine(child: ChildProcessWithoutNullStreams, line: string): void {
    const pending = this.pending;
    if (pending?.child !== child) return;
    if (!pending.readLine(line)) return;

    this.pending = undefined;
    clearTimeout(pending.timer);
    pending.complete();
  }

  private onExit(child: ChildProcessWithoutNullStreams, error: Error): void {
    if (this.child === child) this.child = undefined;
    // A child killed after its batch stalled may report its exit during the next batch.
    if (this.pending?.child === child) this.fail(error);
  }

  private fail(error: Error): void {
    const pending = this.pending;
    this.pending = undefined;
    if (pending === undefined) return;
    clearTimeout(pending.timer);
    pending.reject(error);
  }
}
