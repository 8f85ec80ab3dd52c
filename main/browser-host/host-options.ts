import { parseArgs } from 'node:util';

import { UsageError } from '../cli/cli-error.ts';
import { wholeNumberFromTo } from '../cli/number-options.ts';
import { quoteText } from '../org/printable.ts';

export const HOST_USAGE = `Usage: tsx main/browser-host/main.ts [--demo est|manual | --org FILE] [options]

Serves the setup wizard on http://127.0.0.1 for a browser. Development and tests only.

  --demo METHOD      start a throwaway demo CA on loopback and enroll with it ("est" or "manual");
                     the default when --org is not given is --demo est
  --org FILE         organisation file (JSON or YAML) to enroll with instead of the demo
  --data-dir DIR     data directory (default: a new temporary one with the demo, else
                     $VPN_ONBOARD_HOME or the app's own)
  --port N           TCP port on 127.0.0.1, 0 to 65535 (default: a free one)
  --pending-polls N  demo only: how many times the CA answers "pending" before signing, 0 to 1000
                     (default 0)
  --retry-after S    demo only: seconds the CA asks the client to wait while pending, 1 to 3600
                     (default 5)
  --connect          let the connect step start openvpn; needs root, e.g. inside a test namespace
  --openvpn PATH     with --connect: the openvpn executable (default: found on PATH, /usr/sbin, /sbin)
`;

/** Source of the organisation the wizard enrolls with: the demo CA on loopback, or a file. */
export type HostSource =
  { kind: 'demo'; method: 'est' | 'manual' } | { kind: 'file'; path: string };

/** The browser host's command line, checked. */
export interface HostOptions {
  help: boolean;
  source: HostSource;
  dataDir?: string;
  port?: number;
  pendingPolls: number;
  retryAfterSeconds: number;
  connect: boolean;
  openvpnPath?: string;
}

/**
 * Parses and checks the browser host's arguments (without the node and script paths). Without
 * --demo or --org it runs the EST demo. Raises a UsageError naming the invalid option and how
 * to fix it.
 */
export function parseHostOptions(args: string[]): HostOptions {
  const values = parseValues(args);
  if (values.help === true) return { ...defaults(), help: true };

  const source = sourceOf(values.demo, values.org);
  if (source.kind === 'file') {
    for (const option of ['pending-polls', 'retry-after'] as const) {
      if (values[option] !== undefined) {
        throw new UsageError(
          `Invalid --${option} with --org: it sets the demo CA, so leave it out or use --demo instead of --org.`,
        );
      }
    }
  }
  if (values.openvpn !== undefined && values.connect !== true) {
    throw new UsageError(
      'Invalid --openvpn without --connect: add --connect to let the wizard start openvpn.',
    );
  }

  const options: HostOptions = {
    ...defaults(),
    source,
    connect: values.connect === true,
    pendingPolls: wholeNumberFromTo(values['pending-polls'] ?? '0', '--pending-polls', 0, 1000),
    retryAfterSeconds: wholeNumberFromTo(values['retry-after'] ?? '5', '--retry-after', 1, 3600),
  };
  if (values['data-dir'] !== undefined) options.dataDir = values['data-dir'];
  if (values.port !== undefined) options.port = wholeNumberFromTo(values.port, '--port', 0, 65535);
  if (values.openvpn !== undefined) options.openvpnPath = values.openvpn;
  return options;
}

function parseValues(args: string[]) {
  try {
    return parseArgs({
      args,
      options: {
        demo: { type: 'string' },
        org: { type: 'string' },
        'data-dir': { type: 'string' },
        port: { type: 'string' },
        'pending-polls': { type: 'string' },
        'retry-after': { type: 'string' },
        connect: { type: 'boolean' },
        openvpn: { type: 'string' },
        help: { type: 'boolean' },
      },
    }).values;
  } catch (error) {
    // parseArgs raises a TypeError whose message names the unknown option or missing value.
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

function sourceOf(demo: string | undefined, org: string | undefined): HostSource {
  if (demo !== undefined && org !== undefined) {
    throw new UsageError('Invalid options: pass either --demo est|manual or --org FILE, not both.');
  }
  if (org !== undefined) {
    if (org.trim() === '') {
      throw new UsageError('Invalid --org "": expected the path of an organisation file.');
    }
    return { kind: 'file', path: org };
  }
  if (demo === undefined || demo === 'est' || demo === 'manual') {
    return { kind: 'demo', method: demo ?? 'est' };
  }
  throw new UsageError(`Invalid --demo ${quoteText(demo)}: expected "est" or "manual".`);
}

function defaults(): HostOptions {
  return {
    help: false,
    source: { kind: 'demo', method: 'est' },
    pendingPolls: 0,
    retryAfterSeconds: 5,
    connect: false,
  };
}
