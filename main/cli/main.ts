import { Command, CommanderError } from 'commander';

import { registerConnect } from './commands/connect.ts';
import { registerCsr } from './commands/csr.ts';
import { registerDemo } from './commands/demo.ts';
import { registerDemoCa } from './commands/demo-ca.ts';
import { registerEnroll } from './commands/enroll.ts';
import { registerImportCert } from './commands/import-cert.ts';
import { registerProbe } from './commands/probe.ts';
import { registerProfile } from './commands/profile.ts';
import { registerStatus } from './commands/status.ts';
import { IdentityError } from '../enroll/identity.ts';
import { DataDirError } from '../storage/data-dir.ts';
import { UsageError } from './cli-error.ts';
import { activeLogger } from './context.ts';

/** Exit statuses: 0 success, 1 failure with a message, 2 bad usage. */
const EXIT_FAILURE = 1;
const EXIT_USAGE = 2;

function buildProgram(): Command {
  const program = new Command('vpn-onboard')
    .description(
      "Gets you onto your organisation's VPN: generates a private key and CSR, has it signed, checks the " +
        'certificate and installs a self-contained OpenVPN profile.',
    )
    .version('0.1.0')
    .exitOverride()
    .showHelpAfterError('(run the command with --help for usage)');

  registerDemo(program);
  registerEnroll(program);
  registerCsr(program);
  registerImportCert(program);
  registerProfile(program);
  registerConnect(program);
  registerStatus(program);
  registerProbe(program);
  registerDemoCa(program);
  return program;
}

async function run(argv: string[]): Promise<number> {
  try {
    await buildProgram().parseAsync(argv);
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.exitCode === 0 ? 0 : EXIT_USAGE;
    }

    const usage =
      error instanceof UsageError ||
      error instanceof IdentityError ||
      error instanceof DataDirError;
    const message = error instanceof Error ? error.message : String(error);
    activeLogger()?.error('Command failed', { command: argv[2], error: message });

    if (argv.includes('--json')) {
      process.stdout.write(JSON.stringify({ status: 'error', error: message }, null, 2) + '\n');
    }
    process.stderr.write(`error: ${message}\n`);
    if (process.env.VPN_ONBOARD_DEBUG && error instanceof Error && error.stack) {
      process.stderr.write(error.stack + '\n');
    }
    return usage ? EXIT_USAGE : EXIT_FAILURE;
  }
}

process.exitCode = await run(process.argv);
