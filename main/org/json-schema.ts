import { z } from 'zod';

import { organisationFileSchema } from './schema.ts';

/** Repository path of the generated JSON Schema, relative to the project root. */
export const organisationJsonSchemaPath = 'resources/organisation.schema.json';

/**
 * Builds the JSON Schema of the organisation file from the zod schema, describing what an
 * admin writes (defaults make fields optional). It targets draft 7 because yaml-language-server
 * supports later drafts only in part (redhat-developer/yaml-language-server#856, open in 2025).
 */
export function organisationJsonSchema(): Record<string, unknown> {
  const generated = z.toJSONSchema(organisationFileSchema, { io: 'input', target: 'draft-7' });
  const { $schema, ...rest } = generated;
  return {
    $schema,
    $id: 'urn:vpn-onboard:organisation-file:1',
    title: 'VPN Onboard organisation file',
    description:
      'Describes one organisation for VPN Onboard: its pinned CA, how CSRs are signed, the OpenVPN servers and the networks behind them.',
    ...rest,
  };
}

/** Renders the JSON Schema as the committed file contains it: 2-space JSON and a final newline. */
export function renderOrganisationJsonSchema(): string {
  return JSON.stringify(organisationJsonSchema(), null, 2) + '\n';
}
