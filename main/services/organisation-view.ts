import type { OrganisationView } from '../contract/wizard-state.ts';
import type { OrganisationFile } from '../org/schema.ts';

/** Returns the parts of the organisation file the wizard shows; no key material or pins. */
export function organisationView(organisation: OrganisationFile): OrganisationView {
  const { enrollment } = organisation;
  return {
    id: organisation.organisation.id,
    name: organisation.organisation.name,
    supportEmail: organisation.organisation.support?.email,
    method: enrollment.method,
    estUrl: enrollment.method === 'est' ? enrollment.url : undefined,
    estUsername: enrollment.method === 'est' ? enrollment.username : undefined,
    instructions: enrollment.instructions,
    keyDescription: `RSA ${organisation.key.bits}-bit`,
    networks: organisation.networks.map((network) => network.name),
  };
}
