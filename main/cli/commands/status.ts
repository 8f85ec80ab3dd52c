import type { Command } from 'commander';

import { withCancellation } from '../cancellation.ts';
import { createDriver, stateLine } from '../connection.ts';
import { createContext, printJson, type CommonOptions } from '../context.ts';
import { addCommonOptions } from './shared-options.ts';

interface StatusOptions extends CommonOptions {
  watch?: boolean;
}

export function registerStatus(program: Command): void {
  const command = program
    .command('status')
    .description(
      'Print the state of the tunnel. With --watch, keep printing each state change (one JSON ' +
        'object a line with --json) until Ctrl-C; while watching, an openvpn that exits on its ' +
        'own is restarted.',
    );
  addCommonOptions(command);
  command.option('--watch', 'stream state changes until interrupted');
  command.action(async (options: StatusOptions) => {
    const context = createContext(options);
    const driver = createDriver(context);
    const state = await driver.recover({ stopUnresponsive: false });

    if (options.watch !== true) {
      await driver.detach();
      if (context.json) printJson(context, { state });
      else context.out.write(`${stateLine(state)}\n`);
      return;
    }

    const print = (next: typeof state) => {
      if (context.json) context.out.write(`${JSON.stringify(next)}\n`);
      else context.out.write(`${new Date().toISOString()} ${stateLine(next)}\n`);
    };
    print(state);
    const unsubscribe = driver.onState(print);

    await withCancellation(
      (signal) => new Promise((resolve) => signal.addEventListener('abort', resolve)),
    );
    unsubscribe();
    await driver.detach();
  });
}
