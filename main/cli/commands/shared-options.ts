import type { Command } from 'commander';

import type { Identity } from '../../enroll/identity.ts';
import { UsageError } from '../cli-error.ts';

/** Adds --org, --data-dir and --json, which every command takes. */
export function addCommonOptions(command: Command): Command {
  return (
    command
      .option(
        '--org <file>',
        'organisation file, JSON or YAML (default: the organisation already enrolled)',
      )
      // VPN_ONBOARD_HOME is read in resolveDataDir rather than with Option.env, because Commander
      // would pass an empty variable on as an empty --data-dir, which is rejected.
      .option(
        '--data-dir <dir>',
        'where keys, requests and profiles live (default: $VPN_ONBOARD_HOME, else the app data folder)',
      )
      .option('--json', 'print the result as JSON on stdout')
  );
}

export interface IdentityOptions {
  name?: string;
  email?: string;
}

/** Adds --name and --email for a new signing request. */
export function addIdentityOptions(command: Command): Command {
  return command
    .option('--name <name>', 'your full name, for the certificate subject')
    .option('--email <email>', 'your work email address, for the certificate subject');
}

/** Returns the identity given on the command line, or undefined to reuse the saved one. */
export function identityFrom(options: IdentityOptions): Identity | undefined {
  if (options.name === undefined && options.email === undefined) return undefined;
  if (options.name === undefined)
    throw new UsageError('Missing --name: pass it together with --email.');
  if (options.email === undefined)
    throw new UsageError('Missing --email: pass it together with --name.');
  return { name: options.name, email: options.email };
}
