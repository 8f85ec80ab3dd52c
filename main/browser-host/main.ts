import { existsSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

import { suggestedName } from '../enroll/identity.ts';
import { createLogger, logFilePath, rotatingFileSink, type LogSink } from '../log/logger.ts';
import { loadOrganisationFile } from '../org/load-organisation.ts';
import type { OrganisationFile } from '../org/schema.ts';
import { openvpnConnection } from '../services/host-connection.ts';
import { resolveDataDir } from '../storage/data-dir.ts';
import { startDemoEnvironment, type DemoEnvironment } from './demo-environment.ts';
import { RENDERER_DIR, serveWizard } from './serve-wizard.ts';

const USAGE = `Usage: tsx main/browser-host/main.ts (--demo [est|manual] | --org FILE) [options]

Serves the setup wizard on http://127.0.0.1 for a browser. Development and tests only.

  --demo METHOD      start a throwaway demo CA on loopback and enroll with it ("est" or "manual")
  --org FILE         organisation file (JSON or YAML) to enroll with instead of the demo
  --data-dir DIR     data directory (default: a new temporary one with --demo, else the app's own)
  --port N           TCP port on 127.0.0.1 (default: a free one)
  --pending-polls N  with --demo: how many times the CA answers "pending" before signing (default 0)
  --retry-after S    with --demo: seconds the CA asks the client to wait while pending (default 5)
  --connect          let the connect step start openvpn; needs root, e.g. inside a test namespace
  --openvpn PATH     with --connect: the openvpn executable (default: found on PATH, /usr/sbin, /sbin)
`;

async function main(): Promise<number> {
  const { values } = parseArgs({
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
  });

  if (values.help === true) {
    process.stdout.write(USAGE);
    return 0;
  }
  if ((values.demo === undefined) === (values.org === undefined)) {
    process.stderr.write(
      `Missing option: pass either --demo est|manual or --org FILE.\n\n${USAGE}`,
    );
    return 2;
  }
  if (values.demo !== undefined && values.demo !== 'est' && values.demo !== 'manual') {
    process.stderr.write(`Invalid --demo "${values.demo}": expected "est" or "manual".\n`);
    return 2;
  }
  if (!existsSync(join(RENDERER_DIR, 'index.html'))) {
    process.stderr.write(
      `The renderer is not built (${RENDERER_DIR}/index.html is missing); run "npx vite build" first.\n`,
    );
    return 1;
  }

  let demo: DemoEnvironment | undefined;
  let organisation: OrganisationFile;
  let dataDir: string;
  if (values.demo === 'est' || values.demo === 'manual') {
    demo = await startDemoEnvironment({
      method: values.demo,
      behaviour: {
        pendingPolls: Number(values['pending-polls'] ?? 0),
        retryAfterSeconds: Number(values['retry-after'] ?? 5),
      },
    });
    organisation = demo.organisation;
    dataDir = values['data-dir'] ?? join(await mkdtemp(join(tmpdir(), 'vpn-onboard-web-')), 'data');
  } else {
    organisation = await loadOrganisationFile(values.org!);
    dataDir = resolveDataDir(values['data-dir']);
  }

  const stderrSink: LogSink = { write: (line) => process.stderr.write(line + '\n') };
  const log = createLogger({
    sinks: [rotatingFileSink(logFilePath(dataDir)), stderrSink],
    scope: 'web',
  });
  const served = await serveWizard({
    organisation,
    dataDir,
    log,
    port: values.port === undefined ? undefined : Number(values.port),
    suggestedIdentity: { name: suggestedName() },
    connection:
      values.connect === true
        ? openvpnConnection({ organisation, dataDir, log, openvpnPath: values.openvpn })
        : undefined,
  });

  process.stdout.write(`VPN Onboard wizard: ${served.host.url}\n`);
  process.stdout.write(`Data directory:     ${dataDir}\n`);
  if (demo !== undefined) {
    process.stdout.write(`Demo EST login:     ${demo.username} / ${demo.password}\n`);
  }
  process.stdout.write('Press Ctrl+C to stop.\n');

  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await served.close();
  await demo?.close();
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(
      `The browser host failed to start: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    process.exit(1);
  },
);
