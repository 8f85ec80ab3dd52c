// Builds the Electron app into out/: main and preload with esbuild, the renderer with Vite, and
// the privileged openvpn helper that the Linux packages install.
// Usage: tsx scripts/build-electron.ts
import { build as esbuild, type BuildOptions } from 'esbuild';
import { build as vite } from 'vite';

import { buildHelper } from './build-helper.ts';

const shared: BuildOptions = {
  bundle: true,
  platform: 'node',
  target: 'node22',
  sourcemap: 'linked',
  // Electron supplies this module at run time; bundling it would pull in the npm installer.
  external: ['electron'],
  logLevel: 'warning',
};

async function main(): Promise<void> {
  await esbuild({
    ...shared,
    entryPoints: ['main/electron/main.ts'],
    outfile: 'out/electron/main.js',
    format: 'esm',
    // Bundled CommonJS dependencies (node-forge) call require(), which ESM output lacks.
    banner: {
      js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
    },
  });

  // A sandboxed preload runs as CommonJS and may only load electron, so everything else is inlined.
  await esbuild({
    ...shared,
    entryPoints: ['main/electron/preload.ts'],
    outfile: 'out/electron/preload.cjs',
    format: 'cjs',
  });

  await buildHelper();

  await vite({ configFile: 'vite.config.ts', logLevel: 'warn' });
  process.stdout.write(
    'Built out/electron/main.js, out/electron/preload.cjs, out/helper/openvpn-helper.cjs and out/renderer/.\n',
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`Build failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
