// Bundles the privileged openvpn helper into one CommonJS file that the packaged Electron binary
// runs as Node (ELECTRON_RUN_AS_NODE=1) under pkexec. The deb's after-install script installs
// /usr/lib/vpn-onboard/openvpn-helper, a shell wrapper that runs it.
import { fileURLToPath } from 'node:url';

import { build, type Plugin } from 'esbuild';

export const HELPER_ENTRY_POINT = fileURLToPath(
  new URL('../main/connect/privileged-helper/helper-main.ts', import.meta.url),
);

/** The bundle `npm run build` writes. electron-builder.yml ships out/helper/ as resources/helper/. */
export const HELPER_BUNDLE_PATH = fileURLToPath(
  new URL('../out/helper/openvpn-helper.cjs', import.meta.url),
);

export interface HelperBundleOptions {
  entryPoint?: string;
  outfile?: string;
}

/**
 * Fails the build on any import of electron. Run as Node, the Electron binary has no electron
 * module, and bundling the npm package of that name would inline its downloader into a program
 * that runs as root.
 */
const rejectElectron: Plugin = {
  name: 'reject-electron',
  setup(builder) {
    builder.onResolve({ filter: /^electron(\/|$)/ }, (args) => ({
      errors: [
        {
          text: `${args.importer} imports ${args.path}, but the privileged helper runs as plain Node; move that code out of the helper's imports.`,
        },
      ],
    }));
  },
};

/** Bundles the helper and returns the paths of the source files it contains. */
export async function buildHelper(options: HelperBundleOptions = {}): Promise<string[]> {
  const result = await build({
    entryPoints: [options.entryPoint ?? HELPER_ENTRY_POINT],
    outfile: options.outfile ?? HELPER_BUNDLE_PATH,
    bundle: true,
    platform: 'node',
    // The same target as the main process bundle in build-electron.ts.
    target: 'node22',
    format: 'cjs',
    plugins: [rejectElectron],
    metafile: true,
    logLevel: 'silent',
  });
  return Object.keys(result.metafile.inputs);
}
