#!/usr/bin/env node
// The package's bin (copied to dist/bin/mcp-opa-shim.mjs by scripts/bundle.mjs): the whole CLI,
// bundled into one file and started from V8's code cache. `node dist/cli/main.js` is the same
// CLI, unbundled.
import { compileBundle } from './bundle-loader.mjs';

compileBundle().run();
