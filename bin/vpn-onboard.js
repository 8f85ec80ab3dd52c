#!/usr/bin/env node
// Starts the CLI from the TypeScript sources, so `npx vpn-onboard` works right after `npm ci`.
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 12)) {
  console.error(
    `vpn-onboard needs Node.js 22.12 or later; this is ${process.version}. Install Node.js 24 LTS and try again.`,
  );
  process.exit(1);
}

const { register } = await import('tsx/esm/api');
register();
await import('../main/cli/main.ts');
