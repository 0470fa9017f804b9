import { configDefaults, defineConfig } from 'vitest/config';

// The adversarial suite (test/adversarial) runs only by its own scripts (`npm run adversarial:quick`,
// `npm run adversarial`), which set MCP_ADVERSARIAL=1; the default run leaves it out.
const adversarial = process.env['MCP_ADVERSARIAL'] === '1';

export default defineConfig({
  test: {
    include: adversarial ? ['test/adversarial/**/*.test.ts'] : ['test/**/*.test.ts'],
    exclude: adversarial
      ? configDefaults.exclude
      : [...configDefaults.exclude, 'test/adversarial/**'],
    // A temporary XDG_STATE_HOME per test file: tool pins never land in the real home.
    setupFiles: ['test/setup/state-home.ts'],
    // ...and the run fails, naming the files, if anything was written into the real one anyway.
    globalSetup: ['test/setup/real-state-guard.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Two cores: end-to-end suites spawn real servers, so keep parallelism modest.
    maxWorkers: 2,
    minWorkers: 1,
  },
});
