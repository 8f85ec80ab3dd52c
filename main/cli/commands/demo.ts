import type { Command } from 'commander';

import { runDemo, type DemoReport } from '../../demo/run-demo.ts';
import { createLogger, logFilePath, rotatingFileSink } from '../../log/logger.ts';
import { formatDate } from '../../pki/certificate-check.ts';
import { tcpOutcome } from '../../reach/prober.ts';
import { withCancellation } from '../cancellation.ts';
import { printJson } from '../context.ts';
import { createProgress } from '../progress.ts';
import { outcomeCells } from '../reachability-lines.ts';
import { formatTable } from '../text-table.ts';

// The same caps as the probe table, for names that come from the organisation file.
const REACHABILITY_MAX_WIDTHS = [32, 48];

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description(
      'Run the whole job against a throwaway EST CA on loopback: key, CSR, signing, checks, profile, ' +
        'and a reachability check of the demo networks. Needs no root and no network.',
    )
    .option('--json', 'print the report as JSON on stdout')
    .action(async (options: { json?: boolean }) => {
      const json = options.json === true;
      const progress = createProgress(process.stderr, { quiet: json });
      progress.line('VPN Onboard demo: the whole job against a throwaway CA on this machine\n');

      const report = await withCancellation(async (signal) => {
        const demo = await runDemo({
          signal,
          onEvent: (event) => progress.event(event),
          onLine: (text) => progress.line(text),
          log: createLogger({ sinks: [] }),
        });
        // The log goes with the demo's own data directory, which is only known once it exists.
        createLogger({ sinks: [rotatingFileSink(logFilePath(demo.dataDir))], scope: 'demo' }).info(
          'Demo finished',
          { profile: demo.profilePath },
        );
        return demo;
      });
      progress.stop();

      if (json) {
        printJson({ out: process.stdout }, report);
      } else {
        printReport(report);
      }

      const unreachable = report.reachability.filter((row) => !row.result.ok);
      if (unreachable.length > 0) {
        const targets = unreachable.length === 1 ? 'demo target' : 'demo targets';
        throw new Error(
          `${unreachable.length} ${targets} did not answer: ${unreachable.map((row) => row.target).join(', ')}.`,
        );
      }
    });
}

function printReport(report: DemoReport): void {
  const out = process.stdout;

  out.write(
    '\nReachability of the demo networks (loopback listeners stand in for internal hosts):\n',
  );
  const rows = report.reachability.map((row) => [
    row.network,
    row.target,
    ...outcomeCells(tcpOutcome(row.result)),
  ]);
  writeTable(out, [['NETWORK', 'TARGET', 'RESULT', 'LATENCY'], ...rows], REACHABILITY_MAX_WIDTHS);

  out.write('\nSummary:\n');
  writeTable(out, [
    ['STEP', 'RESULT', 'TIME'],
    ...report.steps.map((step) => [step.step, step.detail, `${step.seconds.toFixed(2)} s`]),
  ]);

  out.write(
    `\nCertificate: ${report.certificate.subject}, valid until ${formatDate(new Date(report.certificate.notAfter))}\n`,
  );
  out.write(`Profile: ${report.profilePath}\n`);
  out.write(
    `Everything the demo made is in ${report.workDirectory}; delete it when you are done.\n`,
  );
  // The stand-in hosts lived in this process, so a later status finds the ports closed.
  out.write(
    'The demo\'s CA and stand-in hosts stopped with it, so "vpn-onboard status" on its data ' +
      'directory finds their ports refusing connections; run "npm run web" to see the status ' +
      'window with live demo networks.\n',
  );
}

function writeTable(
  out: NodeJS.WriteStream,
  rows: string[][],
  maxWidths?: readonly (number | undefined)[],
): void {
  for (const line of formatTable(rows, { indent: '  ', maxWidths })) {
    out.write(`${line}\n`);
  }
}
