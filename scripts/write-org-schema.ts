import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

import {
  organisationJsonSchemaPath,
  renderOrganisationJsonSchema,
} from '../main/org/json-schema.ts';

// Writes resources/organisation.schema.json from the zod schema. Run it with `npm run schema`.
const target = fileURLToPath(new URL(`../${organisationJsonSchemaPath}`, import.meta.url));
await writeFile(target, renderOrganisationJsonSchema());
process.stdout.write(`Wrote ${organisationJsonSchemaPath}\n`);
