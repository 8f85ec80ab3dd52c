import { existsSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { UsageError } from '../cli/cli-error.ts';
import { suggestedName } from '../enroll/identity.ts';
import { createLogger, logFilePath, rotatingFileSink, type LogSink } from '../log/logger.ts';
import { loadOrganisationFile } from '../org/load-organisation.ts';
import type { OrganisationFile } from '../org/schema.ts';
import { openvpnConnection } from '../services/host-connection.ts';
import {
  checkDataDir,
  DataDirError,
  dataDirFailure,
  dataDirSource,
  resolveDataDir,
} from '../storage/data-dir.ts';
import { startDemoEnvironment, type DemoEnvironment } from './demo-environment.ts';
import { HOST_USAGE, parseHostOptions, type HostOptions } from './host-options.ts';
import { RENDERER_DIR, serveWizard } from './serve-wizard.ts';

const EXIT_FAILURE = 1;
const EXIT_USAGE = 2;

async function main(): Promise<number> {
  let options: HostOptions;
  try {
    options = parseHostOptions(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`${error.message}\n\n${HOST_USAGE}`);
    return EXIT_USAGE;
  }

  if (options.help) {
    process.stdout.write(HOST_USAGE);
    return 0;
  }

  let chosenDataDir: string | undefined;
  try {
    chosenDataDir = chooseDataDir(options);
  } catch (error) {
    if (!(error instanceof DataDirError)) throw error;
    process.stderr.write(`${error.message}\n`);
    return EXIT_USAGE;
  }

  if (!existsSync(join(RENDERER_DIR, 'index.html'))) {
    process.stderr.write(
      `The renderer is not built (${RENDERER_DIR}/index.html is missing); run "npx vite build" first.\n`,
    );
    return EXIT_FAILURE;
  }
  // The demo gets a new temporary data directory, so it never mixes with a real enrollment.
  const dataDir = chosenDataDir ?? join(await mkdtemp(join(tmpdir(), 'vpn-onboard-web-')), 'data');

  let demo: DemoEnvironment | undefined;
  let organisation: OrganisationFile;
  if (options.source.kind === 'demo') {
    demo = await startDemoEnvironment({
      method: options.source.method,
      behaviour: {
        pendingPolls: options.pendingPolls,
        retryAfterSeconds: options.retryAfterSeconds,
      },
    });
    organisation = demo.organisation;
  } else {
    organisation = await loadOrganisationFile(options.source.path);
  }

  const stderrSink: LogSink = { write: (line) => process.stderr.write(line + '\n') };
  const log = createLogger({ sinks: [fileSink(dataDir, options), stderrSink], scope: 'web' });
  const served = await serveWizard({
    organisation,
    dataDir,
    log,
    port: options.port,
    suggestedIdentity: { name: suggestedName() },
    connection: options.connect
      ? openvpnConnection({ organisation, dataDir, log, openvpnPath: options.openvpnPath })
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

/**
 * Resolves and checks the data directory: --data-dir when given, else VPN_ONBOARD_HOME or the
 * app's own folder for an organisation file. Returns undefined for the demo without --data-dir.
 */
function chooseDataDir(options: HostOptions): string | undefined {
  if (options.dataDir === undefined && options.source.kind === 'demo') return undefined;

  const dataDir = resolveDataDir(options.dataDir);
  checkDataDir(dataDir, dataDirSource(options.dataDir));
  return dataDir;
}

function fileSink(dataDir: string, options: HostOptions): LogSink {
  try {
    return rotatingFileSink(logFilePath(dataDir));
  } catch (error) {
    throw dataDirFailure(dataDir, dataDirSource(options.dataDir), error);
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(
      `The browser host failed to start: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    process.exit(EXIT_FAILURE);
  },
);
