import { beforeAll, describe, expect, it } from 'vitest';

import type { OrganisationFile } from '../org/schema.ts';
import { startEstFixture } from '../testing/fixtures.ts';
import { checkOrganisation } from './organisation-check.ts';

const YEAR_MS = 365 * 86_400_000;

let organisation: OrganisationFile;

beforeAll(async () => {
  const fixture = await startEstFixture();
  await fixture.close();
  organisation = fixture.organisation;
});

describe('organisation check', () => {
  it('accepts the demo organisation', () => {
    expect(() => checkOrganisation(organisation)).not.toThrow();
  });

  it('rejects an expired pinned CA', () => {
    expect(() => checkOrganisation(organisation, new Date(Date.now() + 20 * YEAR_MS))).toThrow(
      /ca\.certificates\[0\] .* expired on/,
    );
  });

  it('rejects a pinned CA that is not valid yet', () => {
    expect(() => checkOrganisation(organisation, new Date(Date.now() - YEAR_MS))).toThrow(
      /not valid until/,
    );
  });

  it('rejects a server name that cannot go into a profile', () => {
    const broken = { ...organisation, vpn: { ...organisation.vpn, serverName: 'vpn"server' } };

    expect(() => checkOrganisation(broken)).toThrow(/vpn\.serverName/);
  });
});
