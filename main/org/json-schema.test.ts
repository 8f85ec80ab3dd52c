import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import {
  organisationJsonSchema,
  organisationJsonSchemaPath,
  renderOrganisationJsonSchema,
} from './json-schema.ts';

type SchemaNode = Record<string, unknown>;

/** Collects the paths of object properties that carry no description. */
function undescribedProperties(node: SchemaNode, path: string): string[] {
  const found: string[] = [];
  const properties = (node.properties ?? {}) as Record<string, SchemaNode>;
  for (const [name, property] of Object.entries(properties)) {
    const propertyPath = path === '' ? name : `${path}.${name}`;
    if (typeof property.description !== 'string') found.push(propertyPath);
    found.push(...undescribedProperties(property, propertyPath));
  }

  const children = [node.items, ...((node.oneOf ?? node.anyOf ?? []) as SchemaNode[])];
  for (const child of children) {
    if (typeof child === 'object' && child !== null) {
      found.push(...undescribedProperties(child as SchemaNode, path));
    }
  }
  return found;
}

describe('organisation JSON Schema', () => {
  it('matches the committed file', async () => {
    const committed = await readFile(
      join(import.meta.dirname, '../..', organisationJsonSchemaPath),
      'utf8',
    );

    expect(
      committed === renderOrganisationJsonSchema(),
      `${organisationJsonSchemaPath} is stale: run \`npm run schema\` and commit the result`,
    ).toBe(true);
  });

  it('identifies itself for editors', () => {
    const schema = organisationJsonSchema();

    expect(schema.$schema).toBe('http://json-schema.org/draft-07/schema#');
    expect(schema.$id).toBeTypeOf('string');
    expect(schema.title).toBeTypeOf('string');
    expect(schema.description).toBeTypeOf('string');
  });

  it('describes every field', () => {
    expect(undescribedProperties(organisationJsonSchema(), '')).toEqual([]);
  });

  it('lists defaults for completion', () => {
    const schema = organisationJsonSchema() as { properties: { key: SchemaNode } };

    expect(schema.properties.key.default).toEqual({ type: 'rsa', bits: 3072 });
  });
});
