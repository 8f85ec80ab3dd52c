import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startDemoEnvironment, type DemoEnvironment } from '../browser-host/demo-environment.ts';
import { createLogger } from '../log/logger.ts';
import { createWizardService, type WizardService } from './wizard-service.ts';

let demo: DemoEnvironment;
let directory: string;
const services: WizardService[] = [];
const identity = { name: 'Dana Example', email: 'dana@example.org' };

beforeAll(async () => {
  demo = await startDemoEnvironment({ method: 'est' });
  directory = await mkdtemp(join(tmpdir(), 'wizard-service-'));
});

afterAll(async () => {
  for (const service of services) service.close();
  await demo.close();
  await rm(directory, { recursive: true, force: true });
});

async function open(dataDir: string): Promise<WizardService> {
  const service = await createWizardService({
    organisation: demo.organisation,
    dataDir,
    host: 'browser',
    connectionUnavailableReason: 'test',
    log: createLogger({ sinks: [] }),
  });
  services.push(service);
  return service;
}

describe('wizard service', () => {
  it('starts on the welcome step', async () => {
    const service = await open(join(directory, 'fresh'));

    expect(service.snapshot().step).toBe('welcome');
  });

  it('keeps an invalid email and says why', async () => {
    const service = await open(join(directory, 'invalid-email'));

    await service.saveIdentity({ name: 'Dana Example', email: 'dana' });

    expect(service.snapshot().identity.email).toBe('dana');
    expect(service.snapshot().error).toMatchObject({ step: 'identity', field: 'email' });
  });

  it('reports the name and email errors together', async () => {
    const service = await open(join(directory, 'both-invalid'));

    await service.saveIdentity({ name: '', email: 'dana' });

    const error = service.snapshot().error;
    expect(error).toMatchObject({ step: 'identity', field: 'name' });
    expect(error?.fieldErrors?.map((entry) => entry.field)).toEqual(['name', 'email']);
  });

  it('refuses to skip ahead', async () => {
    const service = await open(join(directory, 'skip'));

    await expect(service.goTo('certificate')).rejects.toThrow('not available yet');
  });

  it('enrolls by EST onto the certificate step', async () => {
    const service = await open(join(directory, 'est'));
    await service.saveIdentity(identity);
    await service.createRequest();
    await service.submitEst({ username: demo.username, password: demo.password });

    const snapshot = service.snapshot();
    expect(snapshot.step).toBe('certificate');
    expect(snapshot.certificate?.subject).toContain('dana@example.org');
    expect(snapshot.profilePath).toBeDefined();
  });

  it('resumes a pending request on the signing step', async () => {
    const dataDir = join(directory, 'pending');
    demo.setBehaviour({ pendingPolls: 100, retryAfterSeconds: 600 });
    const first = await open(dataDir);
    await first.saveIdentity(identity);
    await first.createRequest();
    await first.submitEst({ username: demo.username, password: demo.password });
    expect(first.snapshot().pending?.canPoll).toBe(true);
    first.close();

    const second = await open(dataDir);

    expect(second.snapshot().step).toBe('signing');
    expect(second.snapshot().pending?.canPoll).toBe(false);
    expect(second.snapshot().identityLocked).toBe(true);
    demo.setBehaviour({ pendingPolls: 0 });
  });

  it('keeps a locked identity when a change arrives', async () => {
    const dataDir = join(directory, 'locked');
    demo.setBehaviour({ pendingPolls: 100, retryAfterSeconds: 600 });
    const service = await open(dataDir);
    await service.saveIdentity(identity);
    await service.createRequest();
    await service.submitEst({ username: demo.username, password: demo.password });

    await service.saveIdentity({ name: 'Someone Else', email: 'someone@example.org' });

    expect(service.snapshot().identity).toEqual(identity);
    expect(service.snapshot().error?.message).toMatch(/cannot change/);
    service.close();
    demo.setBehaviour({ pendingPolls: 0 });
  });

  it('resumes an installed profile on the recorded step', async () => {
    const dataDir = join(directory, 'installed');
    const first = await open(dataDir);
    await first.saveIdentity(identity);
    await first.createRequest();
    await first.submitEst({ username: demo.username, password: demo.password });
    await first.goTo('connect');
    first.close();

    const second = await open(dataDir);

    expect(second.snapshot().step).toBe('connect');
    expect(second.snapshot().certificate).toBeDefined();
  });
});
