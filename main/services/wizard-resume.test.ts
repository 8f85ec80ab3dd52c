import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startDemoEnvironment, type DemoEnvironment } from '../browser-host/demo-environment.ts';
import { EnrollmentStore } from '../enroll/enrollment-store.ts';
import { writeWizardRecord } from './wizard-record.ts';
import { readResumePoint } from './wizard-resume.ts';

let demo: DemoEnvironment;
let directory: string;

beforeAll(async () => {
  demo = await startDemoEnvironment({ method: 'manual' });
  directory = await mkdtemp(join(tmpdir(), 'wizard-resume-'));
});

afterAll(async () => {
  await demo.close();
  await rm(directory, { recursive: true, force: true });
});

function storeIn(name: string): EnrollmentStore {
  return new EnrollmentStore(join(directory, name), demo.organisation.organisation.id);
}

describe('wizard resume', () => {
  it('opens a fresh start on welcome', async () => {
    expect((await readResumePoint(storeIn('fresh'), demo.organisation)).step).toBe('welcome');
  });

  it('reopens the identity step with its draft', async () => {
    const store = storeIn('draft');
    const identity = { name: 'Dana', email: 'dana@' };
    await writeWizardRecord(store.dataDir, store.organisationId, { step: 'identity', identity });

    const point = await readResumePoint(store, demo.organisation);

    expect(point.step).toBe('identity');
    expect(point.identity).toEqual(identity);
  });

  it('ignores a recorded step beyond the enrollment', async () => {
    const store = storeIn('ahead');
    await writeWizardRecord(store.dataDir, store.organisationId, { step: 'done' });

    expect((await readResumePoint(store, demo.organisation)).step).toBe('welcome');
  });

  it('reports a damaged state file', async () => {
    const store = storeIn('damaged');
    await store.prepare();
    await writeFile(store.statePath, '{not json', { mode: 0o600 });

    const point = await readResumePoint(store, demo.organisation);

    expect(point.step).toBe('welcome');
    expect(point.error?.message).toContain('damaged');
  });

  it('reopens a submitted request on signing', async () => {
    const store = storeIn('submitted');
    await store.prepare();
    await store.writeCsr(
      '-----BEGIN CERTIFICATE REQUEST-----\nAA==\n-----END CERTIFICATE REQUEST-----\n',
    );
    await store.writeState({ method: 'manual', phase: 'submitted', csrFingerprint: 'AA:BB' });

    const point = await readResumePoint(store, demo.organisation);

    expect(point.step).toBe('signing');
    expect(point.identityLocked).toBe(true);
    expect(point.request?.csrFingerprint).toBe('AA:BB');
  });
});
