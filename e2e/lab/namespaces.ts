import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

/** Runs a command in the host namespace and returns its standard output. */
export async function run(command: string, args: string[]): Promise<string> {
  try {
    const { stdout } = await execFileAsync(command, args, { encoding: 'utf8' });
    return stdout;
  } catch (error) {
    const failure = error as Error & { stderr?: string };
    throw new Error(
      `${command} ${args.join(' ')} failed: ${failure.stderr?.trim() || failure.message}`,
      {
        cause: error,
      },
    );
  }
}

/** Runs a command inside a network namespace. */
export function inNamespace(namespace: string, command: string[]): Promise<string> {
  return run('ip', ['netns', 'exec', namespace, ...command]);
}

/** Runs `ip` for one namespace, e.g. `ipIn('lab-fw1', ['addr', 'add', ...])`. */
export function ipIn(namespace: string, args: string[]): Promise<string> {
  return run('ip', ['-n', namespace, ...args]);
}

export async function listNamespaces(): Promise<string[]> {
  const output = await run('ip', ['netns', 'list']);
  return output
    .split('\n')
    .map((line) => line.split(' ')[0] ?? '')
    .filter(Boolean);
}

/** Returns the name of the namespace a process runs in, or undefined if none is named. */
export async function namespaceOf(pid: number): Promise<string | undefined> {
  try {
    const output = await run('ip', ['netns', 'identify', String(pid)]);
    return output.trim() || undefined;
  } catch {
    return undefined;
  }
}

export async function pidsIn(namespace: string): Promise<number[]> {
  try {
    const output = await run('ip', ['netns', 'pids', namespace]);
    return output.split('\n').filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/**
 * Signals a process only after `ip netns identify` confirms it runs in `namespace`, so a PID
 * reused by a host process is never touched. Returns whether the signal was sent.
 */
export async function signalInNamespace(
  namespace: string,
  pid: number,
  signal: NodeJS.Signals,
): Promise<boolean> {
  if ((await namespaceOf(pid)) !== namespace) return false;
  try {
    process.kill(pid, signal);
    return true;
  } catch {
    return false;
  }
}

/**
 * Stops every process in the namespaces (SIGTERM, then SIGKILL after `graceMs`) and deletes
 * them. All namespaces are signalled first, so their processes wind down in parallel.
 */
export async function deleteNamespaces(namespaces: string[], graceMs = 3_000): Promise<void> {
  const remaining = async () => (await Promise.all(namespaces.map(pidsIn))).flat().length;

  for (const namespace of namespaces) {
    for (const pid of await pidsIn(namespace)) await signalInNamespace(namespace, pid, 'SIGTERM');
  }

  const deadline = Date.now() + graceMs;
  while ((await remaining()) > 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }

  for (const namespace of namespaces) {
    for (const pid of await pidsIn(namespace)) await signalInNamespace(namespace, pid, 'SIGKILL');
  }

  const failures: string[] = [];
  for (const namespace of namespaces) {
    await run('ip', ['netns', 'del', namespace]).catch((error: Error) =>
      failures.push(error.message),
    );
  }
  if (failures.length > 0) throw new Error(failures.join('; '));
}
