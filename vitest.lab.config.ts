import { defineConfig } from 'vitest/config';

// The network lab suite: real openvpn in network namespaces, so it needs root and runs one
// file at a time (every file uses the same namespace names).
export default defineConfig({
  test: {
    include: ['e2e/lab/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 180_000,
    fileParallelism: false,
    pool: 'forks',
  },
});
