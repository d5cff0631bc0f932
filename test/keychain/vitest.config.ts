import { defineConfig } from 'vitest/config';

/**
 * The keychain suite (npm run test:keychain): against the real OS keychain. On Linux `npm test` runs it inside a
 * private D-Bus session with gnome-keyring-daemon and a fresh HOME (scripts/test.mjs); elsewhere it uses the OS
 * keychain under a test service name. Its files end in .keychain.ts so the main suite never picks them up.
 */
export default defineConfig({
  test: {
    include: ['test/keychain/**/*.keychain.ts'],
    environment: 'node',
    pool: 'forks',
    fileParallelism: false,
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
