import { build } from 'vite';

/** Builds the renderer once before any spec serves it, so every run tests the current code. */
export default async function globalSetup(): Promise<void> {
  await build({ configFile: 'vite.config.ts', logLevel: 'warn' });
}
