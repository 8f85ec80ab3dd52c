import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, openSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** The CLI as a user runs it. Lab code starts it with `process.execPath`, this run's Node. */
export const CLI_PATH = join(import.meta.dirname, '..', '..', 'bin', 'vpn-onboard.js');
export const LAB_EST_PORT = 8443;
export const LAB_EST_USERNAME = 'lab';

// Starting node with tsx and generating the TLS key took about a second in the lab, and the
// limit leaves room for a loaded machine.
const START_TIMEOUT_MS = 30_000;

/** The demo CA's EST server, running inside a lab namespace. */
export interface RunningEstServer {
  pid: number;
  /** EST base URL on a lab address, e.g. https://198.18.0.1:8443/.well-known/est. */
  url: string;
  username: string;
  /** File with the EST password on its first line, for `enroll --password-file`. */
  passwordFile: string;
  /** SHA-256 fingerprint of the CA certificate, for the organisation file's pin. */
  caFingerprint: string;
  /** One line per request, e.g. `EST POST /.well-known/est/simpleenroll 200 35 ms`. */
  logPath: string;
}

export interface EstServerSettings {
  namespace: string;
  /** The lab directory, where the password, the server's output and its log go. */
  directory: string;
  /** Where the CA's ca.pem and ca-key.pem are, as `DemoCa.save` wrote them. */
  caDirectory: string;
  /** The lab address to listen on, inside `namespace`. */
  address: string;
}

/**
 * Starts `vpn-onboard demo-ca` inside `namespace` on a lab address, with the CA that `caDirectory`
 * holds, so the client namespace reaches it over a lab link and never through the host. Resolves
 * once the server printed its details.
 */
export async function startEstServer(settings: EstServerSettings): Promise<RunningEstServer> {
  const passwordFile = join(settings.directory, 'est-password');
  const detailsPath = join(settings.directory, 'est-server.json');
  const logPath = join(settings.directory, 'est-server.log');
  await writeFile(passwordFile, `${randomBytes(12).toString('base64url')}\n`, { mode: 0o600 });

  const args = [
    'netns',
    'exec',
    settings.namespace,
    process.execPath,
    CLI_PATH,
    'demo-ca',
    '--dir',
    settings.caDirectory,
    '--host',
    settings.address,
    '--port',
    String(LAB_EST_PORT),
    '--username',
    LAB_EST_USERNAME,
    '--password-file',
    passwordFile,
    '--json',
  ];
  const detailsFd = openSync(detailsPath, 'w', 0o600);
  const logFd = openSync(logPath, 'w', 0o600);
  let child;
  try {
    // Files rather than pipes, because the server outlives `npm run lab -- up`.
    child = spawn('ip', args, { detached: true, stdio: ['ignore', detailsFd, logFd] });
  } finally {
    closeSync(detailsFd);
    closeSync(logFd);
  }
  child.unref();
  let exit: string | undefined;
  child.once('exit', (code, signal) => (exit = signal ?? `code ${code}`));
  if (child.pid === undefined) throw new Error('Failed to start the lab EST server.');

  const details = await waitForDetails(detailsPath, logPath, () => exit);
  // ip netns exec runs node in place, so the child's PID is the server's.
  return {
    pid: child.pid,
    url: details.url,
    username: LAB_EST_USERNAME,
    passwordFile,
    caFingerprint: details.caFingerprint,
    logPath,
  };
}

async function waitForDetails(
  detailsPath: string,
  logPath: string,
  exited: () => string | undefined,
): Promise<{ url: string; caFingerprint: string }> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    const text = await readFile(detailsPath, 'utf8').catch(() => '');
    const details = parseDetails(text);
    if (details !== undefined) return details;

    const exit = exited();
    if (exit !== undefined) {
      const log = await readFile(logPath, 'utf8').catch(() => '');
      throw new Error(
        `The lab EST server exited (${exit}) before it printed its details: ${log.trim()}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(
    `The lab EST server did not print its details within ${START_TIMEOUT_MS} ms; see ${logPath}.`,
  );
}

/** Parses `demo-ca --json` output, or returns undefined while it is still incomplete. */
function parseDetails(text: string): { url: string; caFingerprint: string } | undefined {
  try {
    const details = JSON.parse(text) as { url?: unknown; caFingerprint?: unknown };
    if (typeof details.url !== 'string' || typeof details.caFingerprint !== 'string') {
      return undefined;
    }
    return { url: details.url, caFingerprint: details.caFingerprint };
  } catch {
    return undefined;
  }
}
