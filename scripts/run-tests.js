#!/usr/bin/env node
// Runs every check and suite that `npm test` promises, in order, and ends with one summary line
// ("N passed, N failed, N skipped") that CI reads. Suites that need a missing tool report
// themselves as skipped with the reason; VPN_ONBOARD_REQUIRE turns those skips into failures.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';

const steps = [
  { name: 'typecheck', command: 'npx', args: ['tsc', '--noEmit', '-p', 'tsconfig.json'] },
  { name: 'lint', command: 'npx', args: ['eslint', '--max-warnings', '0', '.'] },
  { name: 'format', command: 'npx', args: ['prettier', '--check', '.'] },
  {
    name: 'unit and integration tests (vitest)',
    command: 'npx',
    args: [
      'vitest',
      'run',
      '--reporter=default',
      '--reporter=json',
      '--outputFile.json=test-results/vitest.json',
    ],
    results: 'test-results/vitest.json',
  },
  {
    name: 'network lab with real openvpn (vitest, needs root)',
    command: 'npx',
    args: [
      'vitest',
      'run',
      '-c',
      'vitest.lab.config.ts',
      '--reporter=default',
      '--reporter=json',
      '--outputFile.json=test-results/vitest-lab.json',
    ],
    results: 'test-results/vitest-lab.json',
  },
  {
    name: 'wizard in Chromium and Electron (Playwright)',
    command: 'npx',
    args: ['playwright', 'test'],
    results: 'test-results/playwright.json',
  },
];

mkdirSync('test-results', { recursive: true });
// Results from an earlier run must not be counted again when a step fails before writing its own.
for (const step of steps) if (step.results) rmSync(step.results, { force: true });

const totals = { passed: 0, failed: 0, skipped: 0 };
const failedSteps = [];

for (const step of steps) {
  process.stdout.write(`\n=== ${step.name}\n`);
  const run = spawnSync(step.command, step.args, { stdio: 'inherit' });
  const ok = run.status === 0;

  if (step.results && existsSync(step.results)) {
    const report = JSON.parse(readFileSync(step.results, 'utf8'));
    if (report.stats !== undefined) {
      // Playwright's JSON reporter.
      totals.passed += (report.stats.expected ?? 0) + (report.stats.flaky ?? 0);
      totals.failed += report.stats.unexpected ?? 0;
      totals.skipped += report.stats.skipped ?? 0;
    } else {
      totals.passed += report.numPassedTests ?? 0;
      totals.failed += report.numFailedTests ?? 0;
      totals.skipped += (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
    }
  } else if (!ok) {
    totals.failed += 1;
  }
  if (!ok) failedSteps.push(step.name);
}

process.stdout.write('\n');
if (failedSteps.length > 0) process.stdout.write(`Failed steps: ${failedSteps.join(', ')}\n`);
process.stdout.write(
  `${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped\n`,
);
process.exit(failedSteps.length > 0 ? 1 : 0);
