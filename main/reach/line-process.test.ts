import { afterEach, describe, expect, it } from 'vitest';

import { LineProcess, type LineBatch, type LineProcessOptions } from './line-process.ts';

// A tiny line-driven child: `out TEXT` prints TEXT on stdout, `err TEXT` on stderr, `exit N`
// exits with status N, and any other line is read and ignored.
const CHILD_SCRIPT = `
const lines = require('node:readline').createInterface({ input: process.stdin });
lines.on('line', (line) => {
  const [command, ...rest] = line.split(' ');
  const text = rest.join(' ');
  if (command === 'out') process.stdout.write(text + '\\n');
  if (command === 'err') process.stderr.write(text + '\\n');
  if (command === 'exit') process.exit(Number(text));
});
`;

function childOptions(overrides: Partial<LineProcessOptions> = {}): LineProcessOptions {
  return {
    command: process.execPath,
    args: ['-e', CHILD_SCRIPT],
    lineStream: 'stdout',
    name: 'test child',
    ...overrides,
  };
}

/** Builds a batch that collects every line up to the line `done`. */
function collect(input: string, timeoutMs = 10_000): LineBatch<string[]> & { lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    input,
    timeoutMs,
    readLine: (line) => {
      lines.push(line);
      return line === 'done';
    },
    finish: () => lines,
    stalled: () => [...lines, '(stalled)'],
  };
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitUntil(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('line process', () => {
  let child: LineProcess | undefined;

  afterEach(() => child?.close(new Error('test finished')));

  it('collects lines until the batch is complete', async () => {
    child = new LineProcess(childOptions());
    const lines = await child.run(collect('out a\nout b\nout done\nout after\n'));

    expect(lines).toEqual(['a', 'b', 'done']);
  });

  it('keeps one child across batches', async () => {
    child = new LineProcess(childOptions());
    await child.run(collect('out done\n'));
    const pid = child.pid;
    await child.run(collect('out done\n'));

    expect(pid).toBeTypeOf('number');
    expect(child.pid).toBe(pid);
  });

  it('reads the stream it is given', async () => {
    child = new LineProcess(childOptions({ lineStream: 'stderr' }));
    const lines = await child.run(collect('out ignored\nerr x\nerr done\n'));

    expect(lines).toEqual(['x', 'done']);
  });

  it('runs batches one at a time', async () => {
    child = new LineProcess(childOptions());
    const [first, second] = await Promise.all([
      child.run(collect('out 1\nout done\n')),
      child.run(collect('out 2\nout done\n')),
    ]);

    expect(first).toEqual(['1', 'done']);
    expect(second).toEqual(['2', 'done']);
  });

  it('returns the stalled result after the timeout', async () => {
    child = new LineProcess(childOptions());
    const lines = await child.run(collect('out partial\n', 300));

    expect(lines).toEqual(['partial', '(stalled)']);
  });

  it('kills a stalled child and starts another', async () => {
    child = new LineProcess(childOptions());
    await child.run(collect('out done\n'));
    const stalledPid = child.pid ?? 0;
    await child.run(collect('silent\n', 300));

    expect(child.pid).toBeUndefined();
    await waitUntil(() => !isRunning(stalledPid));
    const lines = await child.run(collect('out done\n'));
    expect(lines).toEqual(['done']);
    expect(child.pid).not.toBe(stalledPid);
  });

  it('rejects a stalled batch when asked', async () => {
    child = new LineProcess(childOptions());
    const batch: LineBatch<string> = {
      input: 'silent\n',
      timeoutMs: 300,
      readLine: () => false,
      finish: () => 'finished',
      stalled: () => {
        throw new Error('nothing within 300 ms');
      },
    };

    await expect(child.run(batch)).rejects.toThrow('nothing within 300 ms');
  });

  it('keeps the next batch when a stalled child exits', async () => {
    child = new LineProcess(childOptions());
    // The second batch starts while the killed child of the first is still exiting.
    const [stalled, next] = await Promise.all([
      child.run(collect('silent\n', 300)),
      child.run(collect('out done\n')),
    ]);

    expect(stalled).toEqual(['(stalled)']);
    expect(next).toEqual(['done']);
  });

  it('rejects the batch when the child exits mid-batch', async () => {
    child = new LineProcess(childOptions());
    const batch = collect('out first\nexit 3\n');

    await expect(child.run(batch)).rejects.toThrow('test child exited with status 3');
    expect(batch.lines).toEqual(['first']);
  });

  it('starts a new child on the call after an exit', async () => {
    child = new LineProcess(childOptions());
    await expect(child.run(collect('exit 3\n'))).rejects.toThrow(/exited/);
    expect(child.pid).toBeUndefined();

    const lines = await child.run(collect('out done\n'));
    expect(lines).toEqual(['done']);
    expect(child.pid).toBeTypeOf('number');
  });

  it('reports a child killed by a signal', async () => {
    child = new LineProcess(childOptions());
    await child.run(collect('out done\n'));
    const running = child.run(collect('silent\n'));
    process.kill(child.pid ?? 0, 'SIGTERM');

    await expect(running).rejects.toThrow('test child exited on signal SIGTERM');
  });

  it('rejects when the program cannot be started', async () => {
    child = new LineProcess(childOptions({ command: '/nonexistent/program' }));

    await expect(child.run(collect('out done\n'))).rejects.toThrow(/ENOENT/);
  });

  it('rejects the batch in progress on close', async () => {
    child = new LineProcess(childOptions());
    const running = child.run(collect('silent\n'));
    await waitUntil(() => child?.pid !== undefined);
    const pid = child.pid ?? 0;
    child.close(new Error('closed by the test'));

    await expect(running).rejects.toThrow('closed by the test');
    await waitUntil(() => !isRunning(pid));
  });

  it('rejects a batch queued before close', async () => {
    child = new LineProcess(childOptions());
    const running = child.run(collect('silent\n'));
    const queued = child.run(collect('out done\n'));
    await waitUntil(() => child?.pid !== undefined);
    child.close(new Error('closed by the test'));

    await expect(running).rejects.toThrow('closed by the test');
    await expect(queued).rejects.toThrow('closed by the test');
    expect(child.pid).toBeUndefined();
  });

  it('starts no child for a batch after close', async () => {
    child = new LineProcess(childOptions());
    await child.run(collect('out done\n'));
    child.close(new Error('closed by the test'));

    await expect(child.run(collect('out done\n'))).rejects.toThrow('closed by the test');
    expect(child.pid).toBeUndefined();
  });
});
