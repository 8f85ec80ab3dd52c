import { Option, type Command } from 'commander';

import type { Identity } from '../../enroll/identity.ts';
import { UsageError } from '../cli-error.ts';

/** Adds --org, --data-dir and --json, which every command takes. */
export function addCommonOptions(command: Command): Command {
  return command
    .option(
      '--org <file>',
      'organisation file, JSON or YAML (default: the organisation already enrolled)',
    )
    .addOption(
      new Option(
        '--data-dir <dir>',
        'where keys, requests and profiles live (default: the app data folder)',
      ).env('VPN_ONBOARD_HOME'),
    )
    .option('--json', 'print the result as JSON on stdout');
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
