import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

import { z } from 'zod';

import { identitySchema, wizardStepSchema, type WizardStep } from '../contract/wizard-state.ts';
import { ensurePrivateDirectory, writePrivateFileAtomic } from '../storage/secure-file.ts';

const recordSchema = z.object({
  version: z.literal(1),
  step: wizardStepSchema,
  identity: identitySchema.optional(),
});

/**
 * What the wizard remembers beyond the enrollment state: the step on screen and the identity
 * typed before any request exists. The enrollment state stays the source of truth for
 * everything after the key is generated.
 */
export type WizardRecord = Omit<z.infer<typeof recordSchema>, 'version'>;

/** Returns `<dataDir>/wizard/<organisation id>.json`. */
export function wizardRecordPath(dataDir: string, organisationId: string): string {
  return join(dataDir, 'wizard', `${organisationId}.json`);
}

/** Reads the record; a missing or damaged one reads as none, because it only restores the view. */
export async function readWizardRecord(
  dataDir: string,
  organisationId: string,
): Promise<WizardRecord | undefined> {
  let text: string;
  try {
    text = await readFile(wizardRecordPath(dataDir, organisationId), 'utf8');
  } catch {
    return undefined;
  }

  try {
    const parsed = recordSchema.safeParse(JSON.parse(text));
    return parsed.success ? { step: parsed.data.step, identity: parsed.data.identity } : undefined;
  } catch {
    return undefined;
  }
}

export async function writeWizardRecord(
  dataDir: string,
  organisationId: string,
  record: WizardRecord,
): Promise<void> {
  await ensurePrivateDirectory(dataDir);
  await ensurePrivateDirectory(join(dataDir, 'wizard'));
  const text = JSON.stringify({ version: 1, ...record }, null, 2) + '\n';
  await writePrivateFileAtomic(wizardRecordPath(dataDir, organisationId), text);
}

/** Returns whether `step` comes after `other` in the wizard. */
export function isAfter(step: WizardStep, other: WizardStep): boolean {
  return wizardStepSchema.options.indexOf(step) > wizardStepSchema.options.indexOf(other);
}
