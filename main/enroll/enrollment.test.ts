import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { CertificateCheckError } from '../pki/certificate-check.ts';
import { profilePath } from '../profile/profile-store.ts';
import {
  manualOrganisation,
  startEstFixture,
  temporaryDirectory,
  TEST_IDENTITY,
  TEST_PASSWORD,
  TEST_USERNAME,
  type EstFixture,
} from '../testing/fixtures.ts';
import { EnrollmentStore } from './enrollment-store.ts';
import {
  EnrollmentCancelledError,
  enroll,
  importCertificate,
  type EnrollOptions,
} from './enrollment.ts';
import { EstError } from './est-client.ts';

const credentials = { username: TEST_USERNAME, password: TEST_PASSWORD };

let fixture: EstFixture;
let dataDir: string;

beforeEach(async () => {
  fixture = await startEstFixture();
  dataDir = await temporaryDirectory();
});

afterEach(async () => {
  await fixture.close();
});

function options(overrides: Partial<EnrollOptions> = {}): EnrollOptions {
  return {
    organisation: fixture.organisation,
    dataDir,
    identity: TEST_IDENTITY,
    credentials,
    wait: true,
    ...overrides,
  };
}

function store(): EnrollmentStore {
  return new EnrollmentStore(dataDir, fixture.organisation.organisation.id);
}

async function mode(path: string): Promise<number> {
  return (await stat(path)).mode & 0o777;
}

describe('enrollment by EST', () => {
  it('installs a profile', async () => {
    const result = await enroll(options());

    expect(result.status).toBe('installed');
    expect(await readFile(profilePath(dataDir, 'demo'), 'utf8')).toContain('<tls-crypt>');
  });

  it('writes key and profile 0600', async () => {
    await enroll(options());

    expect(await mode(store().keyPath)).toBe(0o600);
    expect(await mode(profilePath(dataDir, 'demo'))).toBe(0o600);
  });

  it('keeps the enrollment directory private', async () => {
    await enroll(options());

    expect(await mode(store().directory)).toBe(0o700);
  });

  it('records the installed phase', async () => {
    await enroll(options());

    expect((await store().readState())?.phase).toBe('installed');
  });

  it('does nothing harmful when run again', async () => {
    await enroll(options());
    const profile = await readFile(profilePath(dataDir, 'demo'), 'utf8');
    const key = await store().readKey();

    const again = await enroll(options());

    expect(again.status).toBe('already-installed');
    expect(await readFile(profilePath(dataDir, 'demo'), 'utf8')).toBe(profile);
    expect(await store().readKey()).toBe(key);
  });

  it('waits through pending and then installs', async () => {
    fixture.server.setBehaviour({ pendingPolls: 1, retryAfterSeconds: 1 });
    const events: string[] = [];

    const result = await enroll(options({ onEvent: (event) => events.push(event.type) }));

    expect(events).toContain('pending');
    expect(result.status).toBe('installed');
  });

  it('returns pending without waiting and resumes with the same key', async () => {
    fixture.server.setBehaviour({ pendingPolls: 1, retryAfterSeconds: 1 });

    const first = await enroll(options({ wait: false }));
    const keyAfterFirst = await store().readKey();
    const second = await enroll(options({ identity: undefined }));

    expect(first.status).toBe('pending');
    expect((await store().readState())?.phase).toBe('installed');
    expect(second.status).toBe('installed');
    expect(await store().readKey()).toBe(keyAfterFirst);
  });

  it('keeps the request when cancelled while pending', async () => {
    fixture.server.setBehaviour({ pendingPolls: 5, retryAfterSeconds: 60 });
    const controller = new AbortController();

    const run = enroll(
      options({
        signal: controller.signal,
        onEvent: (event) => {
          if (event.type === 'pending') controller.abort();
        },
      }),
    );

    await expect(run).rejects.toBeInstanceOf(EnrollmentCancelledError);
    expect((await store().readState())?.phase).toBe('pending');
  });

  it('reports a wrong password and keeps the key', async () => {
    const wrong = enroll(options({ credentials: { username: TEST_USERNAME, password: 'wrong' } }));

    await expect(wrong).rejects.toMatchObject({ kind: 'unauthorized' });
    const key = await store().readKey();

    await enroll(options());
    expect(await store().readKey()).toBe(key);
  });

  it('rejects a certificate for another key without installing', async () => {
    fixture.server.setBehaviour({ issueForOtherKey: true });

    await expect(enroll(options())).rejects.toMatchObject({ kind: 'wrong-key' });
    await expect(stat(profilePath(dataDir, 'demo'))).rejects.toThrow(/ENOENT/);
  });

  it('rejects an expired certificate with its dates', async () => {
    fixture.server.setBehaviour({
      notBefore: new Date(Date.now() - 10 * 86_400_000),
      notAfter: new Date(Date.now() - 86_400_000),
    });

    const run = enroll(options());

    await expect(run).rejects.toBeInstanceOf(CertificateCheckError);
    await expect(run).rejects.toThrow(/expired on \d{4}-\d\d-\d\d \d\d:\d\d UTC \(1 day ago\)/);
  });

  it('rejects a certificate that is not valid yet', async () => {
    fixture.server.setBehaviour({
      notBefore: new Date(Date.now() + 3 * 3_600_000),
      notAfter: new Date(Date.now() + 365 * 86_400_000),
    });

    await expect(enroll(options())).rejects.toMatchObject({ kind: 'not-yet-valid' });
  });

  it('keeps the previous profile when a renewal fails', async () => {
    await enroll(options());
    const profile = await readFile(profilePath(dataDir, 'demo'), 'utf8');
    fixture.server.setBehaviour({ failStatus: 500, failBody: 'signing backend offline' });

    await expect(enroll(options({ restart: true }))).rejects.toBeInstanceOf(EstError);
    expect(await readFile(profilePath(dataDir, 'demo'), 'utf8')).toBe(profile);
  });

  it('keeps the enrollment when a restart lacks a name', async () => {
    await enroll(options());
    const key = await store().readKey();

    await expect(enroll(options({ restart: true, identity: undefined }))).rejects.toThrow(
      /--name and --email/,
    );
    expect(await store().readKey()).toBe(key);
    expect((await store().readState())?.phase).toBe('installed');
  });

  it('sets the old request aside when a restart fails at the CA', async () => {
    await enroll(options());
    const certificate = await store().readCertificate();
    fixture.server.setBehaviour({ failStatus: 500, failBody: 'signing backend offline' });

    await expect(enroll(options({ restart: true }))).rejects.toBeInstanceOf(EstError);

    expect(await readFile(join(store().directory, 'previous', 'certificate.pem'), 'utf8')).toBe(
      certificate,
    );
  });

  it('clears the set-aside request after a successful restart', async () => {
    await enroll(options());

    await enroll(options({ restart: true }));

    await expect(stat(join(store().directory, 'previous'))).rejects.toThrow(/ENOENT/);
  });

  it('refuses a second enrollment while one runs', async () => {
    fixture.server.setBehaviour({ delayMs: 2_000 });
    const first = enroll(options());
    await new Promise((resolve) => fixture.server.once('enroll-request', resolve));

    await expect(enroll(options())).rejects.toThrow(/is enrolling in/);
    await first;
  });

  it('takes over a lock left by a process that died', async () => {
    await store().prepare();
    await writeFile(join(store().directory, 'lock'), '999999999');

    expect((await enroll(options())).status).toBe('installed');
  });

  it('refuses a new identity while a request is pending', async () => {
    fixture.server.setBehaviour({ pendingPolls: 5, retryAfterSeconds: 60 });
    await enroll(options({ wait: false }));

    const other = enroll(
      options({ identity: { name: 'Other Person', email: 'other@example.org' } }),
    );

    await expect(other).rejects.toThrow(/already with the CA/);
  });

  it('starts over with a new key on restart', async () => {
    fixture.server.setBehaviour({ pendingPolls: 5, retryAfterSeconds: 60 });
    await enroll(options({ wait: false }));
    const firstKey = await store().readKey();
    fixture.server.setBehaviour({ pendingPolls: 0 });

    await enroll(options({ restart: true }));

    expect(await store().readKey()).not.toBe(firstKey);
  });
});

describe('enrollment by hand', () => {
  it('writes the CSR and the instructions', async () => {
    const result = await enroll(
      options({ organisation: manualOrganisation(fixture.organisation) }),
    );

    expect(result).toMatchObject({ status: 'awaiting-certificate' });
    expect(result).toHaveProperty(
      'instructions',
      expect.stringContaining('it-support@example.org'),
    );
  });

  it('installs an imported certificate signed from the CSR', async () => {
    const organisation = manualOrganisation(fixture.organisation);
    await enroll(options({ organisation }));
    const csr = (await store().readCsr())!;

    const signed = fixture.ca.signClientCsr(csr);
    const result = await importCertificate({
      organisation,
      dataDir,
      certificate: signed.certificatePem,
    });

    expect(result.status).toBe('installed');
  });

  it('rejects an imported certificate for another key and changes nothing', async () => {
    const organisation = manualOrganisation(fixture.organisation);
    await enroll(options({ organisation }));
    const stateBefore = await readFile(store().statePath, 'utf8');
    const anotherDir = await temporaryDirectory();
    await enroll({ ...options({ organisation }), dataDir: anotherDir });
    const foreign = fixture.ca.signClientCsr(
      (await new EnrollmentStore(anotherDir, 'demo').readCsr())!,
    );

    const run = importCertificate({ organisation, dataDir, certificate: foreign.certificateDer });

    await expect(run).rejects.toMatchObject({ kind: 'wrong-key' });
    expect(await readFile(store().statePath, 'utf8')).toBe(stateBefore);
  });

  it('explains an import without a request', async () => {
    const run = importCertificate({
      organisation: manualOrganisation(fixture.organisation),
      dataDir,
      certificate: fixture.ca.certificatePem,
    });

    await expect(run).rejects.toThrow(/Run "vpn-onboard csr" first/);
  });
});
