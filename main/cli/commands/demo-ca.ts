import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

import { Option, type Command } from 'commander';
import { stringify } from 'yaml';

import { createDemoCa, loadDemoCa } from '../../demo-ca/certificate-authority.ts';
import { startEstServer } from '../../demo-ca/est-server.ts';
import { demoOrganisation } from '../../demo/demo-organisation.ts';
import { generateStaticKey } from '../../demo/static-key.ts';
import { ensurePrivateDirectory, writeFileAtomic } from '../../storage/secure-file.ts';
import { untilInterrupted } from '../cancellation.ts';
import { printJson } from '../context.ts';
import { wholeNumberFromTo } from '../number-options.ts';
import { readPassword } from '../password.ts';

interface DemoCaOptions {
  dir: string;
  host: string;
  port: string;
  username: string;
  passwordFile?: string;
  pending: string;
  retryAfter: string;
  delay: string;
  failStatus?: string;
  json?: boolean;
}

export function registerDemoCa(program: Command): void {
  program
    .command('demo-ca')
    .description(
      'Run the demo CA as a standalone EST server (test and demo only). It keeps its CA in --dir, writes an ' +
        'organisation file there that points at itself, and serves until Ctrl-C.',
    )
    .option(
      '--dir <dir>',
      'where the CA key, certificate and organisation file live',
      '.vpn-onboard-demo-ca',
    )
    .addOption(
      new Option(
        '--host <address>',
        'address to listen on; keep it on loopback or inside a test namespace',
      ).default('127.0.0.1'),
    )
    .option('--port <port>', 'TCP port, 0 for any free port', '0')
    .option('--username <user>', 'EST user name for HTTP Basic auth', 'demo')
    .option(
      '--password-file <file>',
      'EST password from the first line of FILE (default: a random one, printed)',
    )
    .option(
      '--pending <count>',
      'answer 202 Pending this many times per request before signing',
      '0',
    )
    .option('--retry-after <seconds>', 'Retry-After sent with 202 Pending', '5')
    .option('--delay <ms>', 'wait this long before answering each simpleenroll request', '0')
    .option('--fail-status <code>', 'answer every simpleenroll with this HTTP status, e.g. 500')
    .option('--json', 'print the server details as JSON on stdout')
    .action(async (options: DemoCaOptions) => {
      const directory = resolve(options.dir);
      const port = wholeNumberFromTo(options.port, '--port', 0, 65535);
      const password = options.passwordFile
        ? await readPassword({ passwordFile: options.passwordFile }, '')
        : randomBytes(12).toString('base64url');

      await ensurePrivateDirectory(directory);
      const ca = existsSync(join(directory, 'ca.pem'))
        ? await loadDemoCa(directory)
        : await createDemoCa({ commonName: 'VPN Onboard Demo CA' });
      await ca.save(directory);

      const server = await startEstServer({
        ca,
        host: options.host,
        port,
        username: options.username,
        password,
        behaviour: {
          pendingPolls: wholeNumberFromTo(options.pending, '--pending', 0, 1000),
          retryAfterSeconds: wholeNumberFromTo(options.retryAfter, '--retry-after', 1, 3600),
          delayMs: wholeNumberFromTo(options.delay, '--delay', 0, 600_000),
          ...(options.failStatus
            ? { failStatus: wholeNumberFromTo(options.failStatus, '--fail-status', 400, 599) }
            : {}),
        },
        log: (text: string) => process.stderr.write(text + '\n'),
      });

      const organisationFile = join(directory, 'organisation.yaml');
      const organisation = demoOrganisation({
        estUrl: server.url,
        caCertificatePem: ca.certificatePem,
        caFingerprint: server.caFingerprint,
        username: options.username,
        tlsCryptKey: generateStaticKey(),
        targets: [],
      });
      await writeFileAtomic(organisationFile, stringify(organisation), { mode: 0o600 });

      const details = {
        url: server.url,
        caFingerprint: server.caFingerprint,
        username: options.username,
        organisationFile,
        directory,
      };
      if (options.json) {
        printJson(
          { out: process.stdout },
          options.passwordFile
            ? { ...details, passwordFile: options.passwordFile }
            : { ...details, password },
        );
      } else {
        process.stdout.write(
          `Demo CA (test and demo only) serving EST at ${server.url}\n` +
            `  CA fingerprint     ${server.caFingerprint}\n` +
            `  User name          ${options.username}\n` +
            (options.passwordFile ? '' : `  Password           ${password}\n`) +
            `  Organisation file  ${organisationFile}\n\n` +
            `Enroll against it with:\n  vpn-onboard enroll --org ${organisationFile} --name "Your Name" --email you@example.org\n` +
            'Press Ctrl-C to stop.\n',
        );
      }

      await untilInterrupted();
      await server.close();
    });
}
