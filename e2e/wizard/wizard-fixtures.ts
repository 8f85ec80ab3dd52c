import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import AxeBuilder from '@axe-core/playwright';
import { test as base, expect, type Page, type TestInfo } from '@playwright/test';

import {
  startDemoEnvironment,
  type DemoEnvironmentOptions,
  type DemoEnvironment,
} from '../../main/browser-host/demo-environment.ts';
import { serveWizard, type WizardBrowserHost } from '../../main/browser-host/serve-wizard.ts';
import { enroll } from '../../main/enroll/enrollment.ts';
import { createLogger, type LogSink } from '../../main/log/logger.ts';
import type { NetworkDefinition } from '../../main/org/schema.ts';
import type { WizardConnectionDriver } from '../../main/services/wizard-connection.ts';
import type { StatusTuning } from '../../main/status/status-service.ts';

/** The demo CA, a data directory and the browser host serving the wizard, for one test. */
export interface WizardEnvironment {
  demo: DemoEnvironment;
  /** The running host; `restartApp` replaces it. */
  readonly served: WizardBrowserHost;
  dataDir: string;
  /** Main's log lines, to check what was logged and that nothing secret was. */
  logLines: string[];
  open(page: Page): Promise<void>;
  /** Stops the host and its service and starts new ones on the same data directory, as a relaunch would. */
  restartApp(): Promise<void>;
}

/** What a test sets up beyond the demo CA; by default the wizard starts afresh and cannot connect. */
export interface WizardSetup extends DemoEnvironmentOptions {
  /** Replaces the demo organisation's networks, such as with loopback listeners the test opened. */
  networks?: NetworkDefinition[];
  /** The connection driver the host shares between the wizard and the status window. */
  driver?: WizardConnectionDriver;
  /** Enrolls as Dana Example before the host starts, so the window opens past the wizard. */
  enrolled?: boolean;
  status?: StatusTuning;
}

export type StartWizard = (options: WizardSetup) => Promise<WizardEnvironment>;

export const test = base.extend<{ startWizard: StartWizard }>({
  // eslint-disable-next-line no-empty-pattern -- Playwright reads fixture dependencies from this pattern.
  startWizard: async ({}, use) => {
    const cleanups: (() => Promise<void>)[] = [];

    await use(async (options) => {
      const directory = await mkdtemp(join(tmpdir(), 'vpn-onboard-e2e-'));
      const dataDir = join(directory, 'data');
      const demo = await startDemoEnvironment(options);
      const organisation =
        options.networks === undefined
          ? demo.organisation
          : { ...demo.organisation, networks: options.networks };
      const logLines: string[] = [];
      const sink: LogSink = { write: (line) => logLines.push(line) };
      const log = createLogger({ sinks: [sink], scope: 'e2e', level: 'debug' });
      if (options.enrolled === true) {
        await enroll({
          organisation,
          dataDir,
          identity: { name: 'Dana Example', email: 'dana@example.org' },
          credentials: { username: demo.username, password: demo.password },
          log,
        });
      }
      const driver = options.driver;
      const serve = () =>
        serveWizard({
          organisation,
          dataDir,
          log,
          suggestedIdentity: { name: 'Dana Example' },
          connection: driver === undefined ? undefined : { createConnectionDriver: () => driver },
          status: options.status,
        });
      let served = await serve();

      cleanups.push(async () => {
        await served.close();
        await demo.close();
        await rm(directory, { recursive: true, force: true });
      });

      return {
        demo,
        get served() {
          return served;
        },
        dataDir,
        logLines,
        open: async (page) => {
          watchConsole(page);
          await page.addInitScript(recordLayoutShifts);
          await page.goto(served.host.url);
        },
        restartApp: async () => {
          await served.close();
          served = await serve();
        },
      };
    });

    for (const cleanup of cleanups.reverse()) await cleanup();
  },
});

export { expect };

/** Returns the step heading, which is where focus lands when a step opens. */
export function stepHeading(page: Page, name: string | RegExp) {
  return page.getByRole('heading', { level: 1, name });
}

/** Waits for the step titled `name` to open and checks that focus moved to its heading. */
export async function expectStep(page: Page, name: string | RegExp): Promise<void> {
  await expect(stepHeading(page, name)).toBeVisible();
  await expect(stepHeading(page, name)).toBeFocused();
}

/**
 * Checks a step the way every step is checked: no serious or critical axe
 * violation, nothing scrolled out of a 900x640 window, and a screenshot kept as an artifact.
 */
export async function checkStep(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  const results = await new AxeBuilder({ page }).analyze();
  const serious = results.violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map((violation) => `${violation.id}: ${violation.help} (${violation.nodes.length} nodes)`);
  expect(serious, `axe violations on the ${name} step`).toEqual([]);

  const overflow = await page.evaluate(() => {
    const body = document.querySelector('.step-body');
    return {
      page: document.documentElement.scrollHeight - window.innerHeight,
      body: body === null ? 0 : body.scrollHeight - body.clientHeight,
    };
  });
  expect(overflow.page, `page overflow on the ${name} step`).toBeLessThanOrEqual(0);
  expect(overflow.body, `step body overflow on the ${name} step`).toBeLessThanOrEqual(0);

  expect(consoleErrors.get(page) ?? [], `console errors up to the ${name} step`).toEqual([]);

  const layoutShift = await page.evaluate(() => (window as { layoutShift?: number }).layoutShift);
  expect(layoutShift, `layout shift up to the ${name} step`).toBeLessThan(MAX_LAYOUT_SHIFT);

  const path = join('test-results', 'wizard-screenshots', slug(testInfo.title), `${name}.png`);
  await page.screenshot({ path });
  await testInfo.attach(name, { path, contentType: 'image/png' });
}

// Console errors per page, which include every CSP violation the browser reports.
const consoleErrors = new WeakMap<Page, string[]>();

function watchConsole(page: Page): void {
  if (consoleErrors.has(page)) return;

  const errors: string[] = [];
  consoleErrors.set(page, errors);
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(error.message));
}

// Cumulative Layout Shift under 0.1 is what web.dev calls "good"; a wizard should be near 0.
const MAX_LAYOUT_SHIFT = 0.1;

/** Sums layout shifts not caused by input into window.layoutShift; runs in the page. */
function recordLayoutShifts(): void {
  const target = window as { layoutShift?: number };
  target.layoutShift = 0;
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries() as (PerformanceEntry & {
      value: number;
      hadRecentInput: boolean;
    })[]) {
      if (!entry.hadRecentInput) target.layoutShift = (target.layoutShift ?? 0) + entry.value;
    }
  }).observe({ type: 'layout-shift', buffered: true });
}

function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}
