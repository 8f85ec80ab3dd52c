import { existsSync } from 'node:fs';

import type { Command } from 'commander';

import { profilePath } from '../../profile/profile-store.ts';
import { createContext, printJson, resolveOrganisation, type CommonOptions } from '../context.ts';
import { addCommonOptions } from './shared-options.ts';

export function registerProfile(program: Command): void {
  const command = program
    .command('profile')
    .description('Print the path of the installed OpenVPN profile.');
  addCommonOptions(command);
  command.action(async (options: CommonOptions) => {
    const context = createContext(options);
    const organisation = await resolveOrganisation(options.org, context.dataDir);
    const path = profilePath(context.dataDir, organisation.organisation.id);

    if (!existsSync(path)) {
      throw new Error(
        `No profile is installed for ${organisation.organisation.name} in ${context.dataDir}; run "vpn-onboard enroll" first.`,
      );
    }

    if (context.json)
      printJson(context, { organisation: organisation.organisation.id, profilePath: path });
    else context.out.write(path + '\n');
  });
}
